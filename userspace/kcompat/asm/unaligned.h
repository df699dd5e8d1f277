/* SPDX-License-Identifier: GPL-2.0 */
/* asm/unaligned.h natively: userspace/kcompat/kcompat.h */
#include "../kcompat.h"
