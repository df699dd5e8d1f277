/* SPDX-License-Identifier: GPL-2.0 */
/* linux/vmalloc.h natively: userspace/kcompat/kcompat.h */
#include "../kcompat.h"
