// SPDX-License-Identifier: GPL-2.0
/*
 * cbpf_tests.c - altbpf-cbpf-tests: classic BPF on altbpf's native engines.
 *
 *  - table: kunit/tables/cbpf_basic.h (hand-written programs with a
 *    context; checker/translator rejects);
 *  - pcap: filter expressions compiled by libpcap (pcap_compile on a
 *    DLT_EN10MB dead handle, optimised and not) x crafted packets: the
 *    verdict of abpf_cbpf_check -> abpf_cbpf_translate -> abpf_check ->
 *    interpreter (and JIT) equals libpcap's own bpf_filter();
 *  - parse: every compiled filter printed as tcpdump -dd, -ddd, -d, raw
 *    bytes and bpf_asm text, parsed back (forced and auto-detected form):
 *    identical instructions; tcpdump's own -dd/-ddd output when tcpdump
 *    is installed; parser error messages.
 *
 * Output: "ok N - suite/name" / "not ok N - suite/name: reason" lines, then
 * "cbpf: N passed, M failed"; exit 1 on any failure.
 */
#include <getopt.h>
/* libpcap's struct bpf_insn is the classic one: keep it apart from eBPF's */
#define bpf_insn pcap_bpf_insn
#include <pcap/pcap.h>
#undef bpf_insn

#include "tap.h"
#include "runner.h"
#include "cbpf.h"
#include "cbpf_parse.h"
#include "cbpf_basic.h"
#ifdef ALTBPF_HAVE_JIT
#include "jit.h"
#endif

static const char *first_line(const char *log, char *buf, size_t size)
{
	size_t n = strcspn(log, "\n");

	if (n >= size)
		n = size - 1;
	memcpy(buf, log, n);
	buf[n] = '\0';
	return buf;
}

/* A classic filter loaded on altbpf natively (and JIT-compiled). */
struct loaded {
	struct abpf_prog *prog;
	bool jit;
};

static char logbuf[65536];

/* check + translate + abpf_check (+ JIT); 0 or -errno with logbuf set. */
static int load_cbpf(const struct abpf_cbpf_insn *f, u32 len,
		     struct loaded *ld)
{
	struct abpf_log log = { .buf = logbuf, .size = sizeof(logbuf) };
	struct bpf_insn *insns;
	u32 n;
	int err;

	memset(ld, 0, sizeof(*ld));
	logbuf[0] = '\0';
	err = abpf_cbpf_check(f, len, &log);
	if (err)
		return err;
	err = abpf_cbpf_translate(f, len, &insns, &n, &log);
	if (err)
		return err;
	ld->prog = native_load(insns, n, ABPF_PROG_TYPE_PACKET, &log, &err);
	abpf_free(insns);
	if (!ld->prog)
		return err;
#ifdef ALTBPF_HAVE_JIT
	err = abpf_native_jit(ld->prog, 0, &log);
	if (err) {
		abpf_prog_free(ld->prog);
		ld->prog = NULL;
		return err;
	}
	ld->jit = true;
#endif
	return 0;
}

static void unload(struct loaded *ld)
{
	if (!ld->prog)
		return;
#ifdef ALTBPF_HAVE_JIT
	if (ld->prog->jit_image)
		abpf_native_jit_free(ld->prog);
#endif
	abpf_prog_free(ld->prog);
	ld->prog = NULL;
}

/* Run on engine (interp or JIT); returns r0, *err the run error. */
static u64 run_on(struct loaded *ld, u32 engine, struct abpf_pkt_ctx *ctx,
		  int *err)
{
	struct abpf_run_ctx rc;
	u64 r0;

	abpf_run_ctx_init_pkt(&rc, ctx, false);
#ifdef ALTBPF_HAVE_JIT
	if (engine == ABPF_ENGINE_JIT)
		r0 = ld->prog->jit_func(&rc);
	else
#endif
		r0 = abpf_interp_run(ld->prog, &rc);
	*err = rc.error;
	return r0;
}

static const u32 engines[] = {
	ABPF_ENGINE_INTERP,
#ifdef ALTBPF_HAVE_JIT
	ABPF_ENGINE_JIT,
#endif
};

/* ---- tables ---- */

static void table_run(const struct abpf_cbpf_test *t)
{
	struct abpf_pkt_ctx ctx;
	struct loaded ld;
	u8 pkt[ABPF_CBPF_TEST_MAX_PKT];
	char name[160], line[200];
	size_t e;
	int err;

	if (!tap_selected("table", t->name))
		return;
	err = load_cbpf(t->insns, t->len, &ld);
	if (err) {
		tap_report(false, "table", t->name, "rejected (%s): %s",
		       errno_name(err), first_line(logbuf, line, sizeof(line)));
		return;
	}
	for (e = 0; e < ARRAY_SIZE(engines); e++) {
		u64 r0;

		snprintf(name, sizeof(name), "%s%s%s", t->name,
			 e ? "@" : "", e ? abpf_engine_name(engines[e]) : "");
		memcpy(pkt, t->pkt, sizeof(pkt));
		abpf_cbpf_test_ctx(t, pkt, &ctx);
		r0 = run_on(&ld, engines[e], &ctx, &err);
		if (err)
			tap_report(false, "table", name, "run error %d (%s)", err,
			       abpf_run_error_str(err));
		else if (r0 != t->result)
			tap_report(false, "table", name, "r0 = 0x%llx, expected 0x%x",
			       (unsigned long long)r0, t->result);
		else
			tap_report(true, "table", name, "0x%x", t->result);
	}
	unload(&ld);
}

static void table_reject(const struct abpf_cbpf_reject_test *t)
{
	struct abpf_log log = { .buf = logbuf, .size = sizeof(logbuf) };
	struct bpf_insn *insns = NULL;
	char line[200];
	u32 n;
	int err;

	if (!tap_selected("reject", t->name))
		return;
	logbuf[0] = '\0';
	err = abpf_cbpf_check(t->insns, t->len, &log);
	if (t->translate && err) {
		tap_report(false, "reject", t->name, "checker refused (%d): %s", err,
		       first_line(logbuf, line, sizeof(line)));
		return;
	}
	if (!err) {
		err = abpf_cbpf_translate(t->insns, t->len, &insns, &n, &log);
		abpf_free(insns);
		if (!err && !t->translate) {
			tap_report(false, "reject", t->name, "accepted");
			return;
		}
	}
	if (err != t->err)
		tap_report(false, "reject", t->name, "error %d, expected %d: %s",
		       err, t->err, first_line(logbuf, line, sizeof(line)));
	else if (t->msg && !strstr(logbuf, t->msg))
		tap_report(false, "reject", t->name, "log lacks \"%s\": %s", t->msg,
		       first_line(logbuf, line, sizeof(line)));
	else
		tap_report(true, "reject", t->name, "%s",
		       first_line(logbuf, line, sizeof(line)));
}

static void table_tests(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(abpf_cbpf_basic_tests); i++)
		table_run(&abpf_cbpf_basic_tests[i]);
	for (i = 0; i < ARRAY_SIZE(abpf_cbpf_reject_tests); i++)
		table_reject(&abpf_cbpf_reject_tests[i]);
}

/* ---- crafted packets ---- */

#define PKT_MAX	256

struct packet {
	char name[48];
	u8 b[PKT_MAX];
	u32 caplen, wirelen;
};

static struct packet pkts[64];
static unsigned int nr_pkts;

static const u8 mac_a[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const u8 mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const u8 mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 mac_mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };

struct pb {
	u8 *b;
	u32 n;
};

static void put(struct pb *p, const void *d, u32 n)
{
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

static void put8(struct pb *p, u8 v)
{
	p->b[p->n++] = v;
}

static void put16(struct pb *p, u16 v)
{
	put8(p, v >> 8);
	put8(p, v);
}

static void put32(struct pb *p, u32 v)
{
	put16(p, v >> 16);
	put16(p, v);
}

static void eth(struct pb *p, const u8 *dst, const u8 *src, int vlan,
		u16 type)
{
	put(p, dst, 6);
	put(p, src, 6);
	if (vlan >= 0) {
		put16(p, 0x8100);
		put16(p, vlan);
	}
	put16(p, type);
}

/* IPv4 header; returns the offset of the total-length field. */
static u32 ip4(struct pb *p, u8 proto, u32 src, u32 dst, u16 frag, u8 ihl,
	       u8 tos, u8 ttl)
{
	u32 at = p->n, i;

	put8(p, 0x40 | ihl);
	put8(p, tos);
	put16(p, 0);		/* total length: fixed later */
	put16(p, 0x1234);
	put16(p, frag);
	put8(p, ttl);
	put8(p, proto);
	put16(p, 0);
	put32(p, src);
	put32(p, dst);
	for (i = 5; i < ihl; i++)
		put32(p, 0x01010101);	/* NOP options */
	return at;
}

static void ip6(struct pb *p, u8 next, const u8 *src, const u8 *dst)
{
	put32(p, 0x60000000);
	put16(p, 0);		/* payload length: fixed later */
	put8(p, next);
	put8(p, 64);
	put(p, src, 16);
	put(p, dst, 16);
}

static void tcp(struct pb *p, u16 sport, u16 dport, u8 flags)
{
	put16(p, sport);
	put16(p, dport);
	put32(p, 1000);
	put32(p, flags & 0x10 ? 2000 : 0);
	put8(p, 0x50);
	put8(p, flags);
	put16(p, 8192);
	put16(p, 0);
	put16(p, 0);
}

static void udp(struct pb *p, u16 sport, u16 dport, u32 payload)
{
	u32 i;

	put16(p, sport);
	put16(p, dport);
	put16(p, 8 + payload);
	put16(p, 0);
	for (i = 0; i < payload; i++)
		put8(p, i == 0 ? 0x12 : i == 1 ? 0x34 : (u8)i);
}

static void payload(struct pb *p, u32 n)
{
	while (n--)
		put8(p, (u8)(n * 7));
}

static struct packet *new_pkt(const char *name, struct pb *p)
{
	struct packet *k = &pkts[nr_pkts++];

	snprintf(k->name, sizeof(k->name), "%s", name);
	memset(k->b, 0, sizeof(k->b));
	p->b = k->b;
	p->n = 0;
	return k;
}

static void done_ip4(struct packet *k, struct pb *p, u32 ip_at)
{
	u16 tot = p->n - ip_at;

	k->b[ip_at + 2] = tot >> 8;
	k->b[ip_at + 3] = tot;
	k->caplen = k->wirelen = p->n;
}

static void done_ip6(struct packet *k, struct pb *p, u32 ip_at)
{
	u16 pl = p->n - ip_at - 40;

	k->b[ip_at + 4] = pl >> 8;
	k->b[ip_at + 5] = pl;
	k->caplen = k->wirelen = p->n;
}

#define IP(a, b, c, d)	((u32)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static void make_packets(void)
{
	static const u8 v6a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const u8 v6b[16] = { 0xfe, 0x80, [15] = 2 };
	static const u8 v6lo[16] = { [15] = 1 };
	struct packet *k, *base;
	struct pb p;
	u32 at, i;

	k = new_pkt("tcp4-syn-80", &p);
	eth(&p, mac_a, mac_b, -1, 0x0800);
	at = ip4(&p, 6, IP(10, 0, 0, 1), IP(192, 168, 1, 2), 0x4000, 5, 0, 64);
	tcp(&p, 1234, 80, 0x02);
	done_ip4(k, &p, at);
	base = k;

	k = new_pkt("tcp4-synack-from-80", &p);
	eth(&p, mac_b, mac_a, -1, 0x0800);
	at = ip4(&p, 6, IP(192, 168, 1, 2), IP(10, 0, 0, 1), 0x4000, 5, 0, 63);
	tcp(&p, 80, 1234, 0x12);
	done_ip4(k, &p, at);

	k = new_pkt("tcp4-ack-443-payload", &p);
	eth(&p, mac_a, mac_b, -1, 0x0800);
	at = ip4(&p, 6, IP(172, 17, 3, 4), IP(8, 8, 8, 8), 0x4000, 5, 0x10, 128);
	tcp(&p, 50000, 443, 0x18);
	payload(&p, 120);
	done_ip4(k, &p, at);

	k = new_pkt("tcp4-fin-22-ipopts", &p);
	eth(&p, mac_a, mac_b, -1, 0x0800);
	at = ip4(&p, 6, IP(10, 1, 2, 3), IP(10, 0, 0, 1), 0, 6, 0, 5);
	tcp(&p, 22, 40000, 0x11);
	done_ip4(k, &p, at);

	k = new_pkt("udp4-dns", &p);
	eth(&p, mac_a, mac_b, -1, 0x0800);
	at = ip4(&p, 17, IP(10, 0, 0, 1), IP(10, 0, 0, 53), 0, 5, 0, 64);
	udp(&p, 33333, 53, 30);
	done_ip4(k, &p, at);

	k = new_pkt("udp4-5500", &p);
	eth(&p, mac_a, mac_b, -1, 0x0800);
	at = ip4(&p, 17, IP(192, 168, 7, 7), IP(172, 20, 0, 1), 0, 5, 0, 64);
	udp(&p, 5500, 5501, 4);
	done_ip4(k, &p, at);

	k = new_pkt("udp4-dhcp-bcast", &p);
	eth(&p, mac_bcast, mac_b, -1, 0x0800);
	at = ip4(&p, 17, IP(0, 0, 0, 0), IP(255, 255, 255, 255), 0, 5, 0, 64);
	udp(&p, 68, 67, 200);
	done_ip4(k, &p, at);

	k = new_pkt("udp4-mdns-mcast", &p);
	eth(&p, mac_mcast, mac_b, -1, 0x0800);
	at = ip4(&p, 17, IP(10, 0, 0, 9), IP(224, 0, 0, 251), 0, 5, 0, 255);
	udp(&p, 5353, 5353, 12);
	done_ip4(k, &p, at);

	k = new_pkt("icmp4-echo", &p);
	eth(&p, mac_a, mac_b, -1, 0x0800);
	at = ip4(&p, 1, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 0, 5, 0, 64);
	put8(&p, 8);
	put8(&p, 0);
	put32(&p, 0x12340001);
	put16(&p, 0);
	payload(&p, 56);
	done_ip4(k, &p, at);

	k = new_pkt("icmp4-echoreply", &p);
	eth(&p, mac_b, mac_a, -1, 0x0800);
	at = ip4(&p, 1, IP(10, 0, 0, 2), IP(10, 0, 0, 1), 0, 5, 0, 64);
	put8(&p, 0);
	put8(&p, 0);
	put32(&p, 0x12340001);
	put16(&p, 0);
	done_ip4(k, &p, at);

	k = new_pkt("icmp4-unreach", &p);
	eth(&p, mac_b, mac_a, -1, 0x0800);
	at = ip4(&p, 1, IP(10, 9, 9, 9), IP(10, 0, 0, 1), 0, 5, 0xc0, 64);
	put8(&p, 3);
	put8(&p, 3);
	put32(&p, 0);
	put16(&p, 0);
	done_ip4(k, &p, at);

	k = new_pkt("ip4-frag-second", &p);
	eth(&p, mac_a, mac_b, -1, 0x0800);
	at = ip4(&p, 17, IP(10, 0, 0, 1), IP(10, 0, 0, 53), 185, 5, 0, 64);
	payload(&p, 40);	/* looks like a udp header, is not one */
	k->b[at + 20 + 2] = 0;
	k->b[at + 20 + 3] = 53;
	done_ip4(k, &p, at);

	k = new_pkt("ip4-frag-first-mf", &p);
	eth(&p, mac_a, mac_b, -1, 0x0800);
	at = ip4(&p, 6, IP(10, 0, 0, 1), IP(192, 168, 1, 2), 0x2000, 5, 0, 64);
	tcp(&p, 1234, 80, 0x02);
	payload(&p, 24);
	done_ip4(k, &p, at);

	k = new_pkt("arp-request", &p);
	eth(&p, mac_bcast, mac_b, -1, 0x0806);
	put16(&p, 1);
	put16(&p, 0x0800);
	put8(&p, 6);
	put8(&p, 4);
	put16(&p, 1);
	put(&p, mac_b, 6);
	put32(&p, IP(10, 0, 0, 1));
	put(&p, mac_bcast, 6);
	put32(&p, IP(10, 0, 0, 2));
	k->caplen = k->wirelen = p.n;

	k = new_pkt("rarp", &p);
	eth(&p, mac_bcast, mac_b, -1, 0x8035);
	payload(&p, 28);
	k->caplen = k->wirelen = p.n;

	k = new_pkt("tcp6-80", &p);
	eth(&p, mac_a, mac_b, -1, 0x86dd);
	at = p.n;
	ip6(&p, 6, v6a, v6b);
	tcp(&p, 40000, 80, 0x02);
	done_ip6(k, &p, at);

	k = new_pkt("udp6-dns", &p);
	eth(&p, mac_a, mac_b, -1, 0x86dd);
	at = p.n;
	ip6(&p, 17, v6b, v6a);
	udp(&p, 53, 40001, 16);
	done_ip6(k, &p, at);

	k = new_pkt("icmp6-echo-lo", &p);
	eth(&p, mac_a, mac_a, -1, 0x86dd);
	at = p.n;
	ip6(&p, 58, v6lo, v6lo);
	put8(&p, 128);
	put8(&p, 0);
	put16(&p, 0);
	put32(&p, 0x00010001);
	done_ip6(k, &p, at);

	k = new_pkt("vlan100-tcp4-80", &p);
	eth(&p, mac_a, mac_b, 100, 0x0800);
	at = ip4(&p, 6, IP(10, 0, 0, 1), IP(192, 168, 1, 2), 0x4000, 5, 0, 64);
	tcp(&p, 1234, 80, 0x02);
	done_ip4(k, &p, at);

	k = new_pkt("vlan200-udp6", &p);
	eth(&p, mac_a, mac_b, 0x20c8, 0x86dd);
	at = p.n;
	ip6(&p, 17, v6a, v6b);
	udp(&p, 1000, 53, 8);
	done_ip6(k, &p, at);

	k = new_pkt("llc-8023", &p);
	eth(&p, mac_mcast, mac_b, -1, 38);
	put8(&p, 0x42);
	put8(&p, 0x42);
	put8(&p, 0x03);
	payload(&p, 35);
	k->caplen = k->wirelen = p.n;

	/* truncated captures of the first packet (wire length kept) */
	{
		static const u32 cuts[] = { 0, 6, 13, 14, 20, 24, 30, 34, 37, 47 };

		for (i = 0; i < ARRAY_SIZE(cuts); i++) {
			char name[48];

			snprintf(name, sizeof(name), "tcp4-syn-80-cut%u", cuts[i]);
			k = new_pkt(name, &p);
			memcpy(k->b, base->b, cuts[i]);
			k->caplen = cuts[i];
			k->wirelen = base->wirelen;
		}
	}
	/* a jumbo wire length with a short capture */
	k = new_pkt("tcp4-snap60-wire1500", &p);
	memcpy(k->b, pkts[2].b, 60);
	k->caplen = 60;
	k->wirelen = 1500;
}

/* ---- pcap differential ---- */

static const char *const exprs[] = {
	"ip", "ip6", "arp", "rarp", "tcp", "udp", "icmp", "icmp6",
	"tcp port 80", "tcp dst port 80", "tcp src port 80", "udp port 53",
	"port 22", "src port 1234", "dst port 53 or dst port 67",
	"portrange 5000-6000", "udp portrange 1-1024", "tcp portrange 400-500",
	"host 10.0.0.1", "src host 10.0.0.1", "dst host 192.168.1.2",
	"net 10.0.0.0/8", "src net 192.168.0.0/16",
	"dst net 172.16.0.0 mask 255.240.0.0", "ether broadcast",
	"ether multicast", "ether host 00:11:22:33:44:55",
	"ether src 02:00:00:00:00:01", "ether proto 0x0806", "ether[0] & 1 != 0",
	"vlan", "vlan 100", "vlan and tcp", "vlan 100 and ip", "vlan and ip6",
	"ip[2:2] > 100", "ip[8] < 64", "ip[9] = 6", "ip[1] & 0xfc != 0",
	"tcp[tcpflags] & tcp-syn != 0",
	"tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn",
	"tcp[tcpflags] & (tcp-syn|tcp-ack) = (tcp-syn|tcp-ack)",
	"tcp[13] = 0x18", "tcp and (tcp[tcpflags] & tcp-fin) != 0",
	"tcp[2:2] = 443", "udp[8:2] = 0x1234",
	"icmp[icmptype] = icmp-echo", "icmp[icmptype] = icmp-echoreply",
	"icmp[icmptype] != icmp-echo and icmp[icmptype] != icmp-echoreply",
	"icmp6 and ip6[40] = 128", "not tcp", "not ip", "tcp or udp",
	"not (port 80 or port 443)", "len > 100", "len <= 60", "greater 200",
	"less 64", "ip and len > 100", "ip6 and tcp", "ip6 and udp port 53",
	"ip6 host ::1", "ip6 net fe80::/10", "ip proto 17", "ip6 proto 58",
	"ip multicast", "arp host 10.0.0.1", "ip[6:2] & 0x1fff != 0",
	"ip[6] & 0x20 != 0", "ip[0] & 0xf > 5",
	"(ip[2:2] - ((ip[0]&0xf)<<2)) > 40", "ip[2:2] / 4 > 10",
	"ip[2:2] % 7 = 3", "ip[9] ^ 6 = 0", "ip[2:2] / ip[1] > 1",
	"ip[2:2] % ip[1] = 0", "ip[2:2] * 3 - 100 > 60", "ip[8] & 0x80 = 0x80",
	"ip and ip[12] = 10 and ip[15] = 1", "tcp[0:4] > 0x04d20000",
	"udp and udp[4:2] > 20", "ip[2:2] >> 2 = 7",
};

/* ctx of a pcap packet: wire length, protocol from the ethertype */
static void pkt_ctx(const struct packet *k, u8 *copy, struct abpf_pkt_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	memcpy(copy, k->b, PKT_MAX);
	ctx->data = (u64)(unsigned long)copy;
	ctx->data_end = ctx->data + k->caplen;
	ctx->len = k->wirelen;
	if (k->caplen >= 14)
		ctx->protocol = k->b[12] | k->b[13] << 8;
}

static unsigned int nr_programs, nr_pairs, nr_accepts;

static void pcap_one(pcap_t *pd, const char *expr, int optimize)
{
	struct bpf_program bp;
	struct loaded ld;
	char name[200], line[200], bad[256] = "";
	unsigned int i, pairs = 0, mismatches = 0;
	size_t e;
	int err;

	snprintf(name, sizeof(name), "%s%s", expr, optimize ? "" : " (-O0)");
	if (!tap_selected("pcap", name))
		return;
	if (pcap_compile(pd, &bp, expr, optimize, PCAP_NETMASK_UNKNOWN)) {
		tap_report(false, "pcap", name, "pcap_compile: %s", pcap_geterr(pd));
		return;
	}
	nr_programs++;
	err = load_cbpf((const struct abpf_cbpf_insn *)bp.bf_insns, bp.bf_len,
			&ld);
	if (err) {
		tap_report(false, "pcap", name, "rejected (%s): %s", errno_name(err),
		       first_line(logbuf, line, sizeof(line)));
		pcap_freecode(&bp);
		return;
	}
	for (i = 0; i < nr_pkts; i++) {
		const struct packet *k = &pkts[i];
		u32 want = bpf_filter(bp.bf_insns, k->b, k->wirelen, k->caplen);

		nr_pairs++;
		nr_accepts += want != 0;

		for (e = 0; e < ARRAY_SIZE(engines); e++) {
			struct abpf_pkt_ctx ctx;
			u8 copy[PKT_MAX];
			u64 r0;

			pkt_ctx(k, copy, &ctx);
			r0 = run_on(&ld, engines[e], &ctx, &err);
			pairs++;
			if (err || r0 != want) {
				if (!mismatches++)
					snprintf(bad, sizeof(bad),
						 "%s on %s: altbpf 0x%llx (err %d), libpcap 0x%x",
						 k->name, abpf_engine_name(engines[e]),
						 (unsigned long long)r0, err, want);
			}
		}
	}
	if (mismatches)
		tap_report(false, "pcap", name, "%u of %u runs differ; first: %s",
		       mismatches, pairs, bad);
	else
		tap_report(true, "pcap", name, "%u insns, %u packets x %zu engines",
		       bp.bf_len, nr_pkts, ARRAY_SIZE(engines));
	unload(&ld);
	pcap_freecode(&bp);
}

/* ---- parse round trips ---- */

static char *listing_text(const struct bpf_program *bp)
{
	size_t size = (size_t)bp->bf_len * 300 + 1, off = 0;
	char *t = malloc(size);
	u32 i;

	if (!t)
		return NULL;
	t[0] = '\0';
	for (i = 0; i < bp->bf_len; i++)
		off += snprintf(t + off, size - off, "%s\n",
				bpf_image(&bp->bf_insns[i], i));
	return t;
}

static int same(const struct abpf_cbpf_insn *a, u32 alen,
		const struct abpf_cbpf_insn *b, u32 blen, char *why, size_t n)
{
	u32 i;

	if (alen != blen) {
		snprintf(why, n, "%u instructions, expected %u", blen, alen);
		return -1;
	}
	for (i = 0; i < alen; i++) {
		if (memcmp(&a[i], &b[i], sizeof(a[i]))) {
			snprintf(why, n,
				 "insn %u: { 0x%x, %u, %u, 0x%x }, expected { 0x%x, %u, %u, 0x%x }",
				 i, b[i].code, b[i].jt, b[i].jf, b[i].k,
				 a[i].code, a[i].jt, a[i].jf, a[i].k);
			return -1;
		}
	}
	return 0;
}

/*
 * bpf_asm and -d text carry only the fields an opcode uses: libpcap leaves
 * stray k values in tax/txa and the like.  Clear them for comparison.
 */
static void normalize(struct abpf_cbpf_insn *f, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++) {
		u16 c = f[i].code;

		if (BPF_CLASS(c) != BPF_JMP || BPF_OP(c) == BPF_JA)
			f[i].jt = f[i].jf = 0;
		if (c == (BPF_MISC | BPF_TAX) || c == (BPF_MISC | BPF_TXA) ||
		    c == (BPF_RET | BPF_A) || c == (BPF_ALU | BPF_NEG) ||
		    c == (BPF_LD | BPF_W | BPF_LEN) ||
		    c == (BPF_LDX | BPF_W | BPF_LEN) ||
		    ((BPF_CLASS(c) == BPF_ALU || BPF_CLASS(c) == BPF_JMP) &&
		     BPF_SRC(c) == BPF_X))
			f[i].k = 0;
	}
}

/* Parse @buf as @form and as auto: both must give @f exactly. */
static int parse_check(const struct abpf_cbpf_insn *f, u32 len,
		       const void *buf, size_t blen, int form, char *why,
		       size_t n)
{
	struct abpf_cbpf_insn *out;
	char err[CBPF_ERR_LEN];
	int pass, det;
	u32 olen;

	for (pass = 0; pass < 2; pass++) {
		if (cbpf_parse(buf, blen, pass ? CBPF_FORM_AUTO : form, &out,
			       &olen, &det, err, sizeof(err))) {
			snprintf(why, n, "%s%s: %s", cbpf_form_name(form),
				 pass ? " (auto)" : "", err);
			return -1;
		}
		if (pass && det != form) {
			snprintf(why, n, "%s detected as %s", cbpf_form_name(form),
				 cbpf_form_name(det));
			free(out);
			return -1;
		}
		if (same(f, len, out, olen, why, n)) {
			char w[200];

			snprintf(w, sizeof(w), "%s", why);
			snprintf(why, n, "%s%s: %s", cbpf_form_name(form),
				 pass ? " (auto)" : "", w);
			free(out);
			return -1;
		}
		free(out);
	}
	return 0;
}

static void parse_one(pcap_t *pd, const char *expr)
{
	const struct abpf_cbpf_insn *f;
	struct bpf_program bp;
	char why[400] = "", *t;
	u8 *raw;
	u32 i, len;
	int bad = 0;

	if (!tap_selected("parse", expr))
		return;
	if (pcap_compile(pd, &bp, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		tap_report(false, "parse", expr, "pcap_compile: %s", pcap_geterr(pd));
		return;
	}
	f = (const struct abpf_cbpf_insn *)bp.bf_insns;
	len = bp.bf_len;

	t = cbpf_format_dd(f, len);
	bad = !t || parse_check(f, len, t, strlen(t), CBPF_FORM_DD, why,
				sizeof(why));
	free(t);
	if (!bad) {
		t = cbpf_format_ddd(f, len);
		bad = !t || parse_check(f, len, t, strlen(t), CBPF_FORM_DDD,
					why, sizeof(why));
		free(t);
	}
	if (!bad) {
		struct abpf_cbpf_insn *nf = malloc(len * sizeof(*nf));

		t = cbpf_format_asm(f, len);
		if (nf) {
			memcpy(nf, f, len * sizeof(*nf));
			normalize(nf, len);
		}
		bad = !t || !nf || parse_check(nf, len, t, strlen(t),
					       CBPF_FORM_ASM, why, sizeof(why));
		free(nf);
		free(t);
	}
	if (!bad) {
		struct abpf_cbpf_insn *nf = malloc(len * sizeof(*nf));

		t = listing_text(&bp);
		if (nf) {
			memcpy(nf, f, len * sizeof(*nf));
			normalize(nf, len);
		}
		bad = !t || !nf || parse_check(nf, len, t, strlen(t),
					       CBPF_FORM_LIST, why, sizeof(why));
		free(nf);
		free(t);
	}
	if (!bad) {
		raw = malloc(len * 8);
		for (i = 0; raw && i < len; i++) {
			raw[i * 8] = f[i].code;
			raw[i * 8 + 1] = f[i].code >> 8;
			raw[i * 8 + 2] = f[i].jt;
			raw[i * 8 + 3] = f[i].jf;
			raw[i * 8 + 4] = f[i].k;
			raw[i * 8 + 5] = f[i].k >> 8;
			raw[i * 8 + 6] = f[i].k >> 16;
			raw[i * 8 + 7] = f[i].k >> 24;
		}
		bad = !raw || parse_check(f, len, raw, len * 8, CBPF_FORM_RAW,
					  why, sizeof(why));
		free(raw);
	}
	if (bad)
		tap_report(false, "parse", expr, "%s", why);
	else
		tap_report(true, "parse", expr, "dd, ddd, asm, list, raw: %u insns",
		       len);
	pcap_freecode(&bp);
}

/* tcpdump's own -dd / -ddd output, when tcpdump is installed. */
static char *run_cmd(const char *cmd)
{
	size_t cap = 4096, n = 0, r;
	char *buf = malloc(cap);
	FILE *fp = popen(cmd, "r");

	if (!fp || !buf) {
		if (fp)
			pclose(fp);
		free(buf);
		return NULL;
	}
	while ((r = fread(buf + n, 1, cap - n - 1, fp)) > 0) {
		n += r;
		if (n + 1 == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	buf[n] = '\0';
	if (pclose(fp) || !n) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void tcpdump_tests(void)
{
	static const char *const tx[] = {
		"ip and tcp port 80", "vlan 100 and udp", "icmp6 or arp",
		"tcp[tcpflags] & tcp-syn != 0 and len > 100",
	};
	static const char *const opts[] = { "-dd", "-ddd", "-d" };
	static const int forms[] = { CBPF_FORM_DD, CBPF_FORM_DDD,
				     CBPF_FORM_LIST };
	char cmd[512], name[256], why[400];
	struct bpf_program bp;
	size_t i, o;
	pcap_t *pd;
	char *out;

	if (system("command -v tcpdump > /dev/null 2>&1")) {
		printf("# tcpdump not installed: tcpdump output tests skipped\n");
		return;
	}
	/* tcpdump's default snapshot length */
	pd = pcap_open_dead(DLT_EN10MB, 262144);
	if (!pd)
		return;
	for (i = 0; i < ARRAY_SIZE(tx); i++) {
		if (pcap_compile(pd, &bp, tx[i], 1, PCAP_NETMASK_UNKNOWN))
			continue;
		for (o = 0; o < ARRAY_SIZE(opts); o++) {
			snprintf(name, sizeof(name), "tcpdump %s '%s'", opts[o],
				 tx[i]);
			if (!tap_selected("tcpdump", name))
				continue;
			snprintf(cmd, sizeof(cmd),
				 "tcpdump -y EN10MB %s '%s' 2>/dev/null", opts[o],
				 tx[i]);
			out = run_cmd(cmd);
			if (!out)
				tap_report(false, "tcpdump", name, "no output");
			else if (parse_check((const struct abpf_cbpf_insn *)bp.bf_insns,
					     bp.bf_len, out, strlen(out), forms[o],
					     why, sizeof(why)))
				tap_report(false, "tcpdump", name, "%s", why);
			else
				tap_report(true, "tcpdump", name, NULL);
			free(out);
		}
		pcap_freecode(&bp);
	}
	pcap_close(pd);
}

/* bpf_asm sources: program text -> expected instructions or error. */
static const struct {
	const char *name;
	const char *text;
	int form;
	const char *err;	/* substring of the error, NULL: must parse */
	struct abpf_cbpf_insn want[12];
	u32 len;
} asm_cases[] = {
	{ "ipv4-tcp-multiline",
	  "; the classic example\n"
	  "\tldh [12]\n"
	  "\tjeq #0x800, L2, L5\n"
	  "L2:\tldb [23]\n"
	  "\tjeq #6, L4, L5\n"
	  "L4:\tret #-1\n"
	  "L5:\tret #0\n", CBPF_FORM_ASM, NULL,
	  { { 0x28, 0, 0, 12 }, { 0x15, 0, 3, 0x800 }, { 0x30, 0, 0, 23 },
	    { 0x15, 0, 1, 6 }, { 0x06, 0, 0, 0xffffffff }, { 0x06, 0, 0, 0 } },
	  6 },
	{ "ipv4-tcp-one-line",
	  "ldh [12]; jeq #0x800, L2, L5; L2: ldb [23]; jeq #6, L4, L5; L4: ret #-1; L5: ret #0",
	  CBPF_FORM_ASM, NULL,
	  { { 0x28, 0, 0, 12 }, { 0x15, 0, 3, 0x800 }, { 0x30, 0, 0, 23 },
	    { 0x15, 0, 1, 6 }, { 0x06, 0, 0, 0xffffffff }, { 0x06, 0, 0, 0 } },
	  6 },
	{ "one-label-forms",
	  "ldh [12]\njeq #0x800, accept\njneq #0x806, drop\njlt #5, drop\n"
	  "jle x, drop\njset #1, accept\naccept: ret a\ndrop: ret #0\n",
	  CBPF_FORM_ASM, NULL,
	  { { 0x28, 0, 0, 12 }, { 0x15, 4, 0, 0x800 }, { 0x15, 0, 4, 0x806 },
	    { 0x35, 0, 3, 5 }, { 0x2d, 0, 2, 0 }, { 0x45, 0, 0, 1 },
	    { 0x16, 0, 0, 0 }, { 0x06, 0, 0, 0 } }, 8 },
	{ "loads-and-alu",
	  "/* every load form */\n"
	  "ld #len\nld len\nldx #len\nld #5\nldi 7\nldx #3\nldxi #4\n"
	  "ldx 4*([14]&0xf)\nldxb 4*([14]&0xf)\nld [x + 14]\nldh [%x+2]\n"
	  "ldb [x + 0x10]\n", CBPF_FORM_ASM, NULL,
	  { { 0x80, 0, 0, 0 }, { 0x80, 0, 0, 0 }, { 0x81, 0, 0, 0 },
	    { 0x00, 0, 0, 5 }, { 0x00, 0, 0, 7 }, { 0x01, 0, 0, 3 },
	    { 0x01, 0, 0, 4 }, { 0xb1, 0, 0, 14 }, { 0xb1, 0, 0, 14 },
	    { 0x40, 0, 0, 14 }, { 0x48, 0, 0, 2 }, { 0x50, 0, 0, 16 } }, 12 },
	{ "ancillary",
	  "ld proto\nld #type\nld ifidx\nld mark\nld queue\nld vlan_tci\n"
	  "ld vlan_avail\nldh #hatype\nld rxhash\nldb cpu\nld vlan_tpid\n"
	  "ld #poff\n", CBPF_FORM_ASM, NULL,
	  { { 0x20, 0, 0, 0xfffff000 }, { 0x20, 0, 0, 0xfffff004 },
	    { 0x20, 0, 0, 0xfffff008 }, { 0x20, 0, 0, 0xfffff014 },
	    { 0x20, 0, 0, 0xfffff018 }, { 0x20, 0, 0, 0xfffff02c },
	    { 0x20, 0, 0, 0xfffff030 }, { 0x28, 0, 0, 0xfffff01c },
	    { 0x20, 0, 0, 0xfffff020 }, { 0x30, 0, 0, 0xfffff024 },
	    { 0x20, 0, 0, 0xfffff03c }, { 0x20, 0, 0, 0xfffff034 } }, 12 },
	{ "scratch-misc-alu",
	  "st M[3]\nstx M[15]\nld M[3]\nldx M[15]\ntax\ntxa\nadd #4\nand x\n"
	  "neg\nmod %x\nlsh #0b11\nret %a\n", CBPF_FORM_ASM, NULL,
	  { { 0x02, 0, 0, 3 }, { 0x03, 0, 0, 15 }, { 0x60, 0, 0, 3 },
	    { 0x61, 0, 0, 15 }, { 0x07, 0, 0, 0 }, { 0x87, 0, 0, 0 },
	    { 0x04, 0, 0, 4 }, { 0x5c, 0, 0, 0 }, { 0x84, 0, 0, 0 },
	    { 0x9c, 0, 0, 0 }, { 0x64, 0, 0, 3 }, { 0x16, 0, 0, 0 } }, 12 },
	{ "ja-label-on-own-line",
	  "  ja out\n  ret #1\nout:\n  ret #2\n", CBPF_FORM_ASM, NULL,
	  { { 0x05, 0, 0, 1 }, { 0x06, 0, 0, 1 }, { 0x06, 0, 0, 2 } }, 3 },
	{ "err-unknown-mnemonic", "ldh [12]\nfoo #1\nret #0\n", CBPF_FORM_ASM,
	  .err = "line 2: unknown instruction 'foo'" },
	{ "err-undefined-label", "ldh [12]\n\njeq #1, nowhere\nret #0\n",
	  CBPF_FORM_ASM, .err = "line 3: undefined label 'nowhere'" },
	{ "err-backward-label", "top: ldh [12]\nja top\nret #0\n",
	  CBPF_FORM_ASM, .err = "line 2: label 'top' is backwards" },
	{ "err-duplicate-label", "a1: ret #0\na1: ret #1\n", CBPF_FORM_ASM,
	  .err = "line 2: label 'a1' defined twice" },
	{ "err-bad-operand", "ret #0\nld [x - 1]\n", CBPF_FORM_ASM,
	  .err = "line 2: unexpected character '-'" },
	{ "err-msh-shape", "ldx 2*([14]&0xf)\nret #0\n", CBPF_FORM_ASM,
	  .err = "line 1: only 4*([k]&0xf)" },
	{ "err-trailing", "ret #0 #1\n", CBPF_FORM_ASM,
	  .err = "line 1: expected end of line" },
	{ "err-number-range", "ld #0x100000000\nret a\n", CBPF_FORM_ASM,
	  .err = "line 1: bad number" },
	{ "err-dd-missing-comma", "{ 0x28, 0, 0, 0x0c },\n{ 0x6 0, 0, 0 },\n",
	  CBPF_FORM_DD, .err = "line 2: expected ','" },
	{ "err-ddd-count", "3\n40 0 0 12\n6 0 0 0\n", CBPF_FORM_DDD,
	  .err = "count says 3 instructions, 2 follow" },
	{ "err-ddd-fields", "2\n40 0 0 12\n6 0 0\n", CBPF_FORM_DDD,
	  .err = "line 3: expected 'code jt jf k'" },
	{ "err-raw-size", "\x06\x00\x00\x00\x00\x00\x00", CBPF_FORM_RAW,
	  .err = "not a multiple of 8" },
	{ "err-list-numbering", "(000) ldh [12]\n(002) ret #0\n", CBPF_FORM_LIST,
	  .err = "line 2: instruction (002) where (001) was expected" },
	{ "dd-in-c-declaration",
	  "struct sock_filter code[] = {\n\t{ 0x28, 0, 0, 0x0000000c },\n"
	  "\t{ 0x6, 0, 0, 0x00040000 }, /* ret */\n};\n", CBPF_FORM_DD, NULL,
	  { { 0x28, 0, 0, 12 }, { 0x06, 0, 0, 0x40000 } }, 2 },
};

static void asm_tests(void)
{
	struct abpf_cbpf_insn *out;
	char err[CBPF_ERR_LEN], why[300];
	size_t i, blen;
	u32 olen;
	int det;

	for (i = 0; i < ARRAY_SIZE(asm_cases); i++) {
		const char *name = asm_cases[i].name;

		if (!tap_selected("asm", name))
			continue;
		blen = asm_cases[i].form == CBPF_FORM_RAW ? 7 :
		       strlen(asm_cases[i].text);
		err[0] = '\0';
		if (cbpf_parse(asm_cases[i].text, blen, CBPF_FORM_AUTO, &out,
			       &olen, &det, err, sizeof(err))) {
			if (asm_cases[i].err && strstr(err, asm_cases[i].err))
				tap_report(true, "asm", name, "%s", err);
			else
				tap_report(false, "asm", name, "error: %s", err);
			continue;
		}
		if (asm_cases[i].err)
			tap_report(false, "asm", name, "parsed, expected \"%s\"",
			       asm_cases[i].err);
		else if (det != asm_cases[i].form)
			tap_report(false, "asm", name, "detected as %s",
			       cbpf_form_name(det));
		else if (same(asm_cases[i].want, asm_cases[i].len, out, olen,
			      why, sizeof(why)))
			tap_report(false, "asm", name, "%s", why);
		else
			tap_report(true, "asm", name, NULL);
		free(out);
	}
}

/* The example assembles, loads and runs: accepts tcp4, drops udp4. */
static void example_run_test(void)
{
	static const char *const src =
		"ldh [12]; jeq #0x800, L2, L5; L2: ldb [23]; jeq #6, L4, L5; L4: ret #-1; L5: ret #0";
	struct abpf_cbpf_insn *f;
	struct abpf_pkt_ctx ctx;
	struct loaded ld;
	u8 copy[PKT_MAX];
	char err[CBPF_ERR_LEN], line[200];
	u32 len;
	u64 r_tcp, r_udp;
	int rerr, rerr2;

	if (!tap_selected("example", "ipv4-tcp"))
		return;
	if (cbpf_parse(src, strlen(src), CBPF_FORM_AUTO, &f, &len, NULL, err,
		       sizeof(err))) {
		tap_report(false, "example", "ipv4-tcp", "%s", err);
		return;
	}
	if (load_cbpf(f, len, &ld)) {
		tap_report(false, "example", "ipv4-tcp", "rejected: %s",
		       first_line(logbuf, line, sizeof(line)));
		free(f);
		return;
	}
	pkt_ctx(&pkts[0], copy, &ctx);
	r_tcp = run_on(&ld, ABPF_ENGINE_INTERP, &ctx, &rerr);
	pkt_ctx(&pkts[4], copy, &ctx);
	r_udp = run_on(&ld, ABPF_ENGINE_INTERP, &ctx, &rerr2);
	tap_report(!rerr && !rerr2 && r_tcp == 0xffffffff && r_udp == 0, "example",
	       "ipv4-tcp", "tcp -> 0x%llx, udp -> 0x%llx",
	       (unsigned long long)r_tcp, (unsigned long long)r_udp);
	unload(&ld);
	free(f);
}

/* Sizes: 4096 instructions load, 4097 do not; longest translation. */
static void size_tests(void)
{
	static struct abpf_cbpf_insn f[ABPF_CBPF_MAX_INSNS + 1];
	struct loaded ld;
	char line[200];
	u32 i;
	int err;

	if (!tap_selected("size", "limits"))
		return;
	/* MSH everywhere: the largest expansion */
	for (i = 0; i < ABPF_CBPF_MAX_INSNS; i++)
		f[i] = (struct abpf_cbpf_insn){ BPF_LDX | BPF_B | BPF_MSH, 0, 0,
						14 };
	f[ABPF_CBPF_MAX_INSNS - 1] = (struct abpf_cbpf_insn){ BPF_RET | BPF_A,
							      0, 0, 0 };
	err = load_cbpf(f, ABPF_CBPF_MAX_INSNS, &ld);
	if (err) {
		tap_report(false, "size", "limits", "4096 rejected: %s",
		       first_line(logbuf, line, sizeof(line)));
		return;
	}
	unload(&ld);
	f[ABPF_CBPF_MAX_INSNS] = f[ABPF_CBPF_MAX_INSNS - 1];
	err = load_cbpf(f, ABPF_CBPF_MAX_INSNS + 1, &ld);
	unload(&ld);
	tap_report(err == -EINVAL && strstr(logbuf, "program too large"), "size",
	       "limits", "4097: %d %s", err,
	       first_line(logbuf, line, sizeof(line)));
}

static const char usage[] =
"Usage: altbpf-cbpf-tests [--filter TEXT] [--verbose]\n"
"\n"
"Classic BPF on altbpf's native engines: the cbpf tables, libpcap-compiled\n"
"filters against libpcap's bpf_filter() on crafted packets, and the\n"
"-dd/-ddd/-d/raw/bpf_asm parsers.  Prints one TAP-like line per case and\n"
"'cbpf: N passed, M failed'; exits 1 if anything failed.\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "filter", required_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	pcap_t *pd;
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "f:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			tap_filter = optarg;
			break;
		case 'v':
			tap_verbose = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	pd = pcap_open_dead(DLT_EN10MB, 65535);
	if (!pd) {
		fprintf(stderr, "altbpf-cbpf-tests: pcap_open_dead failed\n");
		return 2;
	}
	make_packets();
	table_tests();
	for (i = 0; i < ARRAY_SIZE(exprs); i++) {
		pcap_one(pd, exprs[i], 1);
		pcap_one(pd, exprs[i], 0);
	}
	for (i = 0; i < ARRAY_SIZE(exprs); i++)
		parse_one(pd, exprs[i]);
	tcpdump_tests();
	asm_tests();
	example_run_test();
	size_tests();
	pcap_close(pd);

	printf("# %zu expressions (%u programs) x %u packets: %u pairs, %u accepted by libpcap\n",
	       ARRAY_SIZE(exprs), nr_programs, nr_pkts, nr_pairs, nr_accepts);
	return tap_finish("cbpf");
}
