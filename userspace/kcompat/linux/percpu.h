/* SPDX-License-Identifier: GPL-2.0 */
/* linux/percpu.h natively: userspace/kcompat/kcompat.h */
#include "../kcompat.h"
