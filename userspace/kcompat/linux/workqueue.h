/* SPDX-License-Identifier: GPL-2.0 */
/* linux/workqueue.h natively: userspace/kcompat/kcompat.h */
#include "../kcompat.h"
