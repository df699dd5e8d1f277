/* SPDX-License-Identifier: GPL-2.0 */
/* linux/poll.h natively: userspace/kcompat/kcompat.h */
#include "../kcompat.h"
