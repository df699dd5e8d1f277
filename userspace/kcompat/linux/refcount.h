/* SPDX-License-Identifier: GPL-2.0 */
/* linux/refcount.h natively: userspace/kcompat/kcompat.h */
#include "../kcompat.h"
