/* SPDX-License-Identifier: GPL-2.0 */
/* linux/nospec.h natively: userspace/kcompat/kcompat.h */
#include "../kcompat.h"
