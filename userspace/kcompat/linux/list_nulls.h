/* SPDX-License-Identifier: GPL-2.0 */
/* linux/list_nulls.h natively: userspace/kcompat/kcompat.h */
#include "../kcompat.h"
