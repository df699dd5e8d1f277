/* SPDX-License-Identifier: GPL-2.0 */
/* linux/rculist.h natively: userspace/kcompat/kcompat.h */
#include "../kcompat.h"
