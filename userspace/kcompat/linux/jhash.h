/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/jhash.h natively: jhash() as the kernel computes it (Bob Jenkins'
 * lookup3, public domain: 12-byte blocks mixed, the last 1-12 bytes added
 * little-endian and finalised; the empty key gives the initial value),
 * for the native map builds.
 */
#ifndef ALTBPF_KCOMPAT_JHASH_H
#define ALTBPF_KCOMPAT_JHASH_H

#include "../kcompat.h"

#define JHASH_INITVAL	0xdeadbeef

static inline u32 kc_rol32(u32 w, unsigned int s)
{
	return (w << s) | (w >> (32 - s));
}

#define __jhash_mix(a, b, c)					\
do {								\
	a -= c; a ^= kc_rol32(c, 4);  c += b;			\
	b -= a; b ^= kc_rol32(a, 6);  a += c;			\
	c -= b; c ^= kc_rol32(b, 8);  b += a;			\
	a -= c; a ^= kc_rol32(c, 16); c += b;			\
	b -= a; b ^= kc_rol32(a, 19); a += c;			\
	c -= b; c ^= kc_rol32(b, 4);  b += a;			\
} while (0)

#define __jhash_final(a, b, c)					\
do {								\
	c ^= b; c -= kc_rol32(b, 14);				\
	a ^= c; a -= kc_rol32(c, 11);				\
	b ^= a; b -= kc_rol32(a, 25);				\
	c ^= b; c -= kc_rol32(b, 16);				\
	a ^= c; a -= kc_rol32(c, 4);				\
	b ^= a; b -= kc_rol32(a, 14);				\
	c ^= b; c -= kc_rol32(b, 24);				\
} while (0)

static inline u32 kc_le32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

/* 0 to 4 bytes, little-endian (the kernel adds them one by one) */
static inline u32 kc_tail32(const u8 *k, u32 n)
{
	switch (n) {
	case 4: return kc_le32(k);
	case 3: return k[0] | (u32)k[1] << 8 | (u32)k[2] << 16;
	case 2: return k[0] | (u32)k[1] << 8;
	case 1: return k[0];
	default: return 0;
	}
}

static __always_inline u32 jhash(const void *key, u32 length, u32 initval)
{
	const u8 *k = key;
	u32 a, b, c;

	a = b = c = JHASH_INITVAL + length + initval;
	while (length > 12) {
		a += kc_le32(k);
		b += kc_le32(k + 4);
		c += kc_le32(k + 8);
		__jhash_mix(a, b, c);
		length -= 12;
		k += 12;
	}
	/* the last 1-12 bytes, little-endian; none: no final mix */
	if (!length)
		return c;
	if (length >= 4) {
		a += kc_le32(k);
		if (length >= 8) {
			b += kc_le32(k + 4);
			c += kc_tail32(k + 8, length - 8);
		} else {
			b += kc_tail32(k + 4, length - 4);
		}
	} else {
		a += kc_tail32(k, length);
	}
	__jhash_final(a, b, c);
	return c;
}

#endif /* ALTBPF_KCOMPAT_JHASH_H */
