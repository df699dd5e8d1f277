/* SPDX-License-Identifier: GPL-2.0 */
/*
 * algo.h - the compute benchmarks, one C body for every engine.
 *
 * clang -O2 -target bpf compiles these into the BPF programs
 * (progs/NAME.bpf.c, both context flavours); gcc -O2 compiles the same
 * text natively (native_algo.c) as the physical limit.  Each takes the
 * packet as [data, end), reads its inputs from it (so no compiler can
 * fold the work away) and returns a 32-bit checksum of its work.  Packet
 * reads are preceded by one bounds check the kernel's verifier can follow.
 *
 * The packet (bench_packet.c) is an Ethernet/IPv4/TCP frame of
 * BENCH_FRAME_LEN bytes: the IPv4 packet is 1500 bytes, the payload starts
 * at BENCH_PAYLOAD.
 */
#ifndef ALTBPF_BENCH_ALGO_H
#define ALTBPF_BENCH_ALGO_H

#include <linux/types.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define BENCH_NOINLINE __attribute__((noinline))

#define BENCH_ETH_HLEN		14
#define BENCH_IP_LEN		1500
#define BENCH_FRAME_LEN		(BENCH_ETH_HLEN + BENCH_IP_LEN)
#define BENCH_PAYLOAD		(BENCH_ETH_HLEN + 20 + 20)

/*
 * For the kernel's verifier only: keep a loop index a plain counter that
 * clang may not turn into a packet-pointer induction variable (a loop
 * bounded by pointer compares looks endless to it).  No code of its own.
 */
#ifdef __bpf__
#define BENCH_BOUNDED(i)	__asm__ volatile("" : "+r"(i))
#else
#define BENCH_BOUNDED(i)	do { } while (0)
#endif

#define LD8(p)	(*(const __u8 *)(p))
#define LD16(p)	(*(const __u16 *)(p))
#define LD32(p)	(*(const __u32 *)(p))
#define LD64(p)	(*(const __u64 *)(p))

static __always_inline __u32 fold64(__u64 x)
{
	return (__u32)x ^ (__u32)(x >> 32);
}

/* Entry/exit cost: no work. */
static __always_inline __u32 algo_empty(const __u8 *data, const __u8 *end)
{
	return 0x600d;
}

/* ALU loop: 1000 rounds of xorshift64 from a seed in the payload. */
static __always_inline __u32 algo_xorshift(const __u8 *data, const __u8 *end)
{
	__u64 x, acc = 0;

	if (data + BENCH_PAYLOAD + 8 > end)
		return 0;
	x = LD64(data + BENCH_PAYLOAD) | 1;
	for (int i = 0; i < 1000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		acc += x;
	}
	return fold64(acc ^ x);
}

/*
 * Branchy loop: Collatz step counts of 8 starting values (<= 256 steps
 * each; the kernel's verifier gives up on more pending branches).
 */
static __always_inline __u32 algo_collatz(const __u8 *data, const __u8 *end)
{
	__u32 total = 0;

	if (data + BENCH_PAYLOAD + 8 > end)
		return 0;
	for (int k = 0; k < 8; k++) {
		__u64 n = LD8(data + BENCH_PAYLOAD + k) * 61 + 27;
		int steps = 0;

		while (n != 1 && steps < 256) {
			if (n & 1)
				n = 3 * n + 1;
			else
				n >>= 1;
			steps++;
		}
		total = total * 31 + steps;
	}
	return total;
}

/*
 * Bubble sort of 64 words (from the payload) on the stack.  The
 * compare-and-swap is branch-free (a sign mask), so the kernel's verifier
 * walks one path per step instead of giving up on the 2016 swap branches.
 */
static __always_inline __u32 algo_bubble(const __u8 *data, const __u8 *end)
{
	__u32 a[64], sum = 0;

	if (data + BENCH_PAYLOAD + 4 * 64 > end)
		return 0;
	for (int i = 0; i < 64; i++)
		a[i] = LD32(data + BENCH_PAYLOAD + 4 * i);
	for (int i = 0; i < 63; i++) {
		for (int j = 0; j < 63 - i; j++) {
			__u64 x, y, swap;

			BENCH_BOUNDED(j);
			x = a[j];
			y = a[j + 1];
			/* all ones when y < x */
			swap = (__u64)((__s64)(y - x) >> 63) & (x ^ y);
			a[j] = x ^ swap;
			a[j + 1] = y ^ swap;
		}
	}
	for (int i = 0; i < 64; i++)
		sum = sum * 33 + a[i];
	return sum;
}

/* RFC 1071 Internet checksum over the 1500-byte IPv4 packet. */
static __always_inline __u32 algo_csum(const __u8 *data, const __u8 *end)
{
	__u64 sum = 0;

	if (data + BENCH_FRAME_LEN > end)
		return 0;
	for (int i = 0; i < BENCH_IP_LEN; i += 2)
		sum += LD16(data + BENCH_ETH_HLEN + i);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* The kernel's jhash2() (lookup3) over 16 u32 words. */
#define BENCH_ROL32(x, k)	(((x) << (k)) | ((x) >> (32 - (k))))
#define BENCH_JHASH_MIX(a, b, c) do {				\
	a -= c; a ^= BENCH_ROL32(c, 4);  c += b;		\
	b -= a; b ^= BENCH_ROL32(a, 6);  a += c;		\
	c -= b; c ^= BENCH_ROL32(b, 8);  b += a;		\
	a -= c; a ^= BENCH_ROL32(c, 16); c += b;		\
	b -= a; b ^= BENCH_ROL32(a, 19); a += c;		\
	c -= b; c ^= BENCH_ROL32(b, 4);  b += a;		\
} while (0)
#define BENCH_JHASH_FINAL(a, b, c) do {				\
	c ^= b; c -= BENCH_ROL32(b, 14);			\
	a ^= c; a -= BENCH_ROL32(c, 11);			\
	b ^= a; b -= BENCH_ROL32(a, 25);			\
	c ^= b; c -= BENCH_ROL32(b, 16);			\
	a ^= c; a -= BENCH_ROL32(c, 4);				\
	b ^= a; b -= BENCH_ROL32(a, 14);			\
	c ^= b; c -= BENCH_ROL32(b, 24);			\
} while (0)

static __always_inline __u32 jhash_64bytes(const __u8 *k, __u32 initval)
{
	__u32 a, b, c;

	a = b = c = 0xdeadbeef + (16 << 2) + initval;
	/* 16 words: five rounds of three, then one word and the final */
	for (int i = 0; i < 15; i += 3) {
		a += LD32(k + 4 * i);
		b += LD32(k + 4 * i + 4);
		c += LD32(k + 4 * i + 8);
		BENCH_JHASH_MIX(a, b, c);
	}
	a += LD32(k + 60);
	BENCH_JHASH_FINAL(a, b, c);
	return c;
}

/* jhash of 64 bytes, over 16 windows of the payload (8 bytes apart). */
static __always_inline __u32 algo_jhash(const __u8 *data, const __u8 *end)
{
	__u32 h = 0;

	if (data + BENCH_PAYLOAD + 8 * 16 + 64 > end)
		return 0;
	for (int w = 0; w < 16; w++)
		h = jhash_64bytes(data + BENCH_PAYLOAD + 8 * w, h);
	return h;
}

/* Bitwise CRC-32 (IEEE, reflected) of 256 payload bytes. */
static __always_inline __u32 algo_crc32(const __u8 *data, const __u8 *end)
{
	__u32 crc = 0xffffffff;

	if (data + BENCH_PAYLOAD + 256 > end)
		return 0;
	for (int i = 0; i < 256; i++) {
		BENCH_BOUNDED(i);
		crc ^= LD8(data + BENCH_PAYLOAD + i);
		for (int b = 0; b < 8; b++) {
			if (crc & 1)
				crc = (crc >> 1) ^ 0xedb88320;
			else
				crc >>= 1;
		}
	}
	return ~crc;
}

/*
 * Packet parser: Ethernet, IPv4 (options honoured), TCP; the 5-tuple is
 * matched against 16 rules (rule i: TCP, destination port 8000 + 11 * i,
 * source in 10.i.0.0/16); the checksum is the first matching rule (or
 * 0xff) and a hash of the 5-tuple.
 */
static __always_inline __u32 algo_parser(const __u8 *data, const __u8 *end)
{
	__u32 saddr, daddr, ihl, match = 0xff;
	__u16 sport, dport;
	__u8 proto;
	const __u8 *l4;

	if (data + BENCH_ETH_HLEN + 20 > end)
		return 1;
	if (LD16(data + 12) != __builtin_bswap16(0x0800))
		return 2;
	if ((LD8(data + BENCH_ETH_HLEN) >> 4) != 4)
		return 3;
	ihl = (LD8(data + BENCH_ETH_HLEN) & 0xf) * 4;
	if (ihl < 20 || ihl > 60)
		return 4;
	proto = LD8(data + BENCH_ETH_HLEN + 9);
	saddr = __builtin_bswap32(LD32(data + BENCH_ETH_HLEN + 12));
	daddr = __builtin_bswap32(LD32(data + BENCH_ETH_HLEN + 16));
	if (proto != 6)
		return 5;
	l4 = data + BENCH_ETH_HLEN + ihl;
	if (l4 + 20 > end)
		return 6;
	sport = __builtin_bswap16(LD16(l4));
	dport = __builtin_bswap16(LD16(l4 + 2));
	for (__u32 i = 0; i < 16; i++) {
		if (proto == 6 && dport == 8000 + 11 * i &&
		    (saddr & 0xffff0000) == (0x0a000000 | i << 16)) {
			match = i;
			break;
		}
	}
	return match << 24 ^ (saddr * 0x9e3779b1 ^ daddr * 0x85ebca6b ^
			      ((__u32)sport << 16 | dport) * 0xc2b2ae35 ^ proto);
}

/*
 * bpf-to-bpf calls: a chain of seven functions (with the program, the
 * kernel's limit of eight frames), entered 16 times.
 */
static BENCH_NOINLINE __u64 chain7(__u64 x) { return x * 0x9e3779b97f4a7c15ULL + 7; }
static BENCH_NOINLINE __u64 chain6(__u64 x) { return chain7(x + 0x1234) ^ 6; }
static BENCH_NOINLINE __u64 chain5(__u64 x) { return chain6(x ^ (x << 9)) + 5; }
static BENCH_NOINLINE __u64 chain4(__u64 x) { return chain5(x - 77) ^ 4; }
static BENCH_NOINLINE __u64 chain3(__u64 x) { return chain4(x ^ (x >> 13)) + 3; }
static BENCH_NOINLINE __u64 chain2(__u64 x) { return chain3(x * 3) ^ 2; }
static BENCH_NOINLINE __u64 chain1(__u64 x) { return chain2(x + 1) + 1; }

static __always_inline __u32 algo_calls(const __u8 *data, const __u8 *end)
{
	__u64 x;

	if (data + BENCH_PAYLOAD + 8 > end)
		return 0;
	x = LD64(data + BENCH_PAYLOAD);
	for (int i = 0; i < 16; i++)
		x = chain1(x);
	return fold64(x);
}

#endif
