/* SPDX-License-Identifier: GPL-2.0 */
/* linux/random.h natively: userspace/kcompat/kcompat.h */
#include "../kcompat.h"
