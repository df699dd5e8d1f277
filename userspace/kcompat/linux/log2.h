/* SPDX-License-Identifier: GPL-2.0 */
/* linux/log2.h natively: userspace/kcompat/kcompat.h */
#include "../kcompat.h"
