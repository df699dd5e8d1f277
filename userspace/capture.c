// SPDX-License-Identifier: GPL-2.0
/*
 * capture.c - `altbpf capture` (tcpdump-style capture through the tap of
 * /dev/altbpf, docs/capture.md) and `altbpf run --classic` (a classic
 * filter on one packet, natively or through /dev/altbpf).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_arp.h>
#include <linux/if_packet.h>

/* libpcap's struct bpf_insn is the classic one: keep it apart from eBPF's */
#define bpf_insn pcap_bpf_insn
#include <pcap/pcap.h>
#undef bpf_insn

#include "runner.h"
#include "cbpf.h"
#include "cbpf_parse.h"
#include "altbpf.h"
#include "capture.h"

const char capture_usage[] =
	"usage: altbpf capture [-i IFACE|any] [-s SNAPLEN] [-c COUNT] [-w FILE.pcap]\n"
	"                      [-B KIB] [--engine interp|jit|default] [-Q in|inout]\n"
	"                      [-q] [-d|-dd|-ddd] [EXPR...]\n"
	"\n"
	"Compiles EXPR (tcpdump/pcap-filter syntax) with libpcap, loads it into\n"
	"altbpf's packet-capture tap on IFACE (all devices with 'any' or no -i)\n"
	"and prints one line per packet, or writes them to FILE.pcap (-w; '-' is\n"
	"stdout).  Stops after COUNT packets (-c) or on SIGINT/SIGTERM and prints\n"
	"'N packets captured, M received by filter, K dropped by filter, D dropped\n"
	"for lack of buffer space' on stderr.\n"
	"  -s SNAPLEN  bytes kept per packet (default 262144)\n"
	"  -B KIB      ring size in KiB (default 4096)\n"
	"  -Q in       received packets only (default inout)\n"
	"  -q          no per-packet lines\n"
	"  -d          print the compiled filter as bpf_asm text and exit\n"
	"              (-dd: as tcpdump -dd, -ddd: as tcpdump -ddd)\n"
	"\n"
	"usage: altbpf run --classic FILTER --data PACKET [--data PACKET...]\n"
	"                  [--engine E|all] [--via native|dev] [--repeat N]\n"
	"                  [--form auto|dd|ddd|raw|asm|list]\n"
	"  Runs a classic filter (tcpdump -d/-dd/-ddd text, raw struct\n"
	"  sock_filter bytes or bpf_asm text) on one Ethernet frame and prints\n"
	"  its verdict (bytes to keep, 0 = drop) and the time per run.  The ctx\n"
	"  is the frame's: len, protocol from bytes 12-13, PACKET_HOST, hatype\n"
	"  ARPHRD_ETHER, ifindex 0 (no device).  --via dev loads the classic\n"
	"  program itself; engines kernel-interp and kernel-jit then run it on\n"
	"  the kernel's classic BPF (bpf_prog_create(), an skb of the frame).\n"
	"  Several packets, or --engine all (every engine of the path): one\n"
	"  line each, 'PACKET ENGINE: r0 = 0x.. (..), ns/run: N (...)'.\n";

static volatile sig_atomic_t capture_stop;

static void capture_on_signal(int sig)
{
	(void)sig;
	capture_stop = 1;
}

static int read_file(const char *path, u8 **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0;
	u8 *b;

	if (!f)
		return -1;
	b = malloc(cap);
	while (b) {
		size_t r = fread(b + n, 1, cap - n, f);

		n += r;
		if (r == 0)
			break;
		if (n == cap) {
			u8 *nb = realloc(b, cap * 2);

			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (!b) {
		errno = ENOMEM;
		return -1;
	}
	*buf = b;
	*len = n;
	return 0;
}

/* A short decode of one frame, tcpdump-like. */

static const char *ipproto_name(unsigned int p)
{
	switch (p) {
	case 1: return "ICMP";
	case 2: return "IGMP";
	case 6: return "TCP";
	case 17: return "UDP";
	case 58: return "ICMP6";
	case 132: return "SCTP";
	}
	return NULL;
}

static void print_l4(FILE *o, unsigned int proto, const u8 *p, size_t n,
		     const char *src, const char *dst, size_t plen)
{
	const char *name = ipproto_name(proto);

	if ((proto == 6 || proto == 17 || proto == 132) && n >= 4) {
		fprintf(o, "%s.%u > %s.%u: %s", src, (p[0] << 8) | p[1], dst,
			(p[2] << 8) | p[3], name);
		if (proto == 6 && n >= 14) {
			static const char fl[] = "FSRPAU";
			char f[8];
			int k = 0;

			for (int i = 0; i < 6; i++)
				if (p[13] & (1 << i))
					f[k++] = fl[i];
			f[k] = '\0';
			fprintf(o, " [%s]", k ? f : "none");
		}
		fprintf(o, ", length %zu", plen);
		return;
	}
	fprintf(o, "%s > %s: ", src, dst);
	if ((proto == 1 || proto == 58) && n >= 1) {
		unsigned int t = p[0];
		const char *what = proto == 1 ?
			(t == 8 ? "echo request" : t == 0 ? "echo reply" :
			 t == 3 ? "unreachable" : NULL) :
			(t == 128 ? "echo request" : t == 129 ? "echo reply" :
			 t == 135 ? "neighbor solicitation" :
			 t == 136 ? "neighbor advertisement" :
			 t == 133 ? "router solicitation" : NULL);

		fprintf(o, "%s ", name);
		if (what)
			fprintf(o, "%s", what);
		else
			fprintf(o, "type %u", t);
		fprintf(o, ", length %zu", plen);
		return;
	}
	if (name)
		fprintf(o, "%s, length %zu", name, plen);
	else
		fprintf(o, "ip-proto-%u, length %zu", proto, plen);
}

static void decode(FILE *o, const u8 *p, size_t n, unsigned int hatype)
{
	unsigned int et;
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	if (hatype == ARPHRD_NONE) {
		et = n && (p[0] >> 4) == 6 ? 0x86dd : 0x0800;
	} else {
		if (n < 14) {
			fprintf(o, "truncated frame");
			return;
		}
		et = (p[12] << 8) | p[13];
		p += 14;
		n -= 14;
		while ((et == 0x8100 || et == 0x88a8) && n >= 4) {
			fprintf(o, "vlan %u, ", ((p[0] << 8) | p[1]) & 0xfff);
			et = (p[2] << 8) | p[3];
			p += 4;
			n -= 4;
		}
	}
	if (et == 0x0800 && n >= 20) {
		size_t ihl = (p[0] & 0xf) * 4, tot = (p[2] << 8) | p[3];
		unsigned int frag = ((p[6] << 8) | p[7]) & 0x1fff;

		inet_ntop(AF_INET, p + 12, s, sizeof(s));
		inet_ntop(AF_INET, p + 16, d, sizeof(d));
		fprintf(o, "IP ");
		if (ihl < 20 || frag) {
			fprintf(o, "%s > %s: %s fragment, length %zu", s, d,
				ipproto_name(p[9]) ?: "ip", tot);
			return;
		}
		print_l4(o, p[9], p + ihl, n > ihl ? n - ihl : 0, s, d,
			 tot > ihl ? tot - ihl : 0);
		return;
	}
	if (et == 0x86dd && n >= 40) {
		inet_ntop(AF_INET6, p + 8, s, sizeof(s));
		inet_ntop(AF_INET6, p + 24, d, sizeof(d));
		fprintf(o, "IP6 ");
		print_l4(o, p[6], p + 40, n - 40, s, d, (p[4] << 8) | p[5]);
		return;
	}
	if (et == 0x0806 && n >= 28) {
		unsigned int op = (p[6] << 8) | p[7];

		inet_ntop(AF_INET, p + 14, s, sizeof(s));
		inet_ntop(AF_INET, p + 24, d, sizeof(d));
		if (op == 1)
			fprintf(o, "ARP, Request who-has %s tell %s", d, s);
		else if (op == 2)
			fprintf(o, "ARP, Reply %s is-at %02x:%02x:%02x:%02x:%02x:%02x",
				s, p[8], p[9], p[10], p[11], p[12], p[13]);
		else
			fprintf(o, "ARP, op %u", op);
		return;
	}
	fprintf(o, "ethertype 0x%04x, length %zu", et, n);
}

static const char *pkttype_name(unsigned int t)
{
	switch (t) {
	case PACKET_HOST: return "In";
	case PACKET_BROADCAST: return "B";
	case PACKET_MULTICAST: return "M";
	case PACKET_OTHERHOST: return "P";
	case PACKET_OUTGOING: return "Out";
	}
	return "?";
}

static int link_type(const char *ifname)
{
	char path[128];
	FILE *f;
	int t = ARPHRD_ETHER;

	if (!ifname)
		return DLT_EN10MB;
	snprintf(path, sizeof(path), "/sys/class/net/%s/type", ifname);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%d", &t) != 1)
			t = ARPHRD_ETHER;
		fclose(f);
	}
	return t == ARPHRD_NONE ? DLT_RAW : DLT_EN10MB;
}

static int capture_stats(int cfd, struct altbpf_capture_stats *st)
{
	memset(st, 0, sizeof(*st));
	return ioctl(cfd, ALTBPF_IOC_CAPTURE_STATS, st);
}

static int capture_print_prog(const struct pcap_bpf_insn *insns, u32 len,
			      int dump)
{
	const struct abpf_cbpf_insn *f = (const void *)insns;
	char *text = dump == 2 ? cbpf_format_dd(f, len) :
		     dump == 3 ? cbpf_format_ddd(f, len) :
				 cbpf_format_asm(f, len);

	if (!text) {
		fputs("altbpf capture: out of memory\n", stderr);
		return 1;
	}
	fputs(text, stdout);
	free(text);
	return 0;
}

enum { OPT_ENGINE = 0x100, OPT_HELP };

int cmd_capture(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "engine", required_argument, NULL, OPT_ENGINE },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *ifname = NULL, *wfile = NULL;
	unsigned long snaplen = ALTBPF_CAPTURE_DEFAULT_SNAPLEN, count = 0;
	unsigned long ring_kib = 0;
	int engine = ABPF_ENGINE_DEFAULT, dump = 0, quiet = 0, in_only = 0;
	struct altbpf_capture_open o;
	struct altbpf_capture_stats st;
	struct bpf_program bp;
	pcap_dumper_t *dumper = NULL;
	pcap_t *pd;
	char *expr = NULL, log[4096] = "";
	size_t elen = 0, bufsz;
	unsigned long captured = 0;
	int c, dfd, cfd, dlt, ret = 1;
	struct sigaction sa;
	u8 *buf;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:s:c:w:B:Q:qdh", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'i':
			ifname = strcmp(optarg, "any") ? optarg : NULL;
			break;
		case 's':
			snaplen = strtoul(optarg, &end, 0);
			if (*end || snaplen > ALTBPF_CAPTURE_MAX_SNAPLEN) {
				fprintf(stderr, "altbpf capture: bad snaplen '%s'\n", optarg);
				return 2;
			}
			if (!snaplen)
				snaplen = ALTBPF_CAPTURE_DEFAULT_SNAPLEN;
			break;
		case 'c':
			count = strtoul(optarg, &end, 0);
			if (*end || !count) {
				fprintf(stderr, "altbpf capture: bad count '%s'\n", optarg);
				return 2;
			}
			break;
		case 'B':
			ring_kib = strtoul(optarg, &end, 0);
			if (*end || !ring_kib ||
			    ring_kib > ALTBPF_CAPTURE_MAX_RING / 1024) {
				fprintf(stderr, "altbpf capture: bad ring size '%s'\n", optarg);
				return 2;
			}
			break;
		case 'w':
			wfile = optarg;
			break;
		case 'Q':
			if (!strcmp(optarg, "in")) {
				in_only = 1;
			} else if (!strcmp(optarg, "inout")) {
				in_only = 0;
			} else {
				fprintf(stderr, "altbpf capture: -Q in|inout\n");
				return 2;
			}
			break;
		case 'q':
			quiet = 1;
			break;
		case 'd':
			dump++;
			break;
		case OPT_ENGINE:
			engine = parse_engine(optarg);
			if (engine != ABPF_ENGINE_DEFAULT &&
			    engine != ABPF_ENGINE_INTERP &&
			    engine != ABPF_ENGINE_JIT) {
				fprintf(stderr, "altbpf capture: engine '%s': interp, jit or default\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
		case OPT_HELP:
			fputs(capture_usage, stdout);
			return 0;
		default:
			fputs(capture_usage, stderr);
			return 2;
		}
	}
	for (int i = optind; i < argc; i++) {
		size_t l = strlen(argv[i]);
		char *e = realloc(expr, elen + l + 2);

		if (!e) {
			free(expr);
			return 1;
		}
		expr = e;
		if (elen)
			expr[elen++] = ' ';
		memcpy(expr + elen, argv[i], l + 1);
		elen += l;
	}

	dlt = link_type(ifname);
	pd = pcap_open_dead(dlt, snaplen);
	if (!pd) {
		fputs("altbpf capture: pcap_open_dead failed\n", stderr);
		free(expr);
		return 1;
	}
	if (pcap_compile(pd, &bp, expr ? expr : "", 1, PCAP_NETMASK_UNKNOWN)) {
		fprintf(stderr, "altbpf capture: %s\n", pcap_geterr(pd));
		pcap_close(pd);
		free(expr);
		return 1;
	}
	free(expr);
	if (dump) {
		ret = capture_print_prog(bp.bf_insns, bp.bf_len, dump);
		pcap_freecode(&bp);
		pcap_close(pd);
		return ret;
	}

	memset(&o, 0, sizeof(o));
	if (ifname) {
		o.ifindex = if_nametoindex(ifname);
		if (!o.ifindex) {
			fprintf(stderr, "altbpf capture: %s: %s\n", ifname,
				strerror(errno));
			goto out_code;
		}
	}
	o.snaplen = snaplen;
	o.ring_size = ring_kib * 1024;
	o.engine = engine;
	o.filter = (__u64)(unsigned long)bp.bf_insns;
	o.filter_len = bp.bf_len;
	o.flags = ALTBPF_CAPTURE_F_LO_NO_OUTGOING |
		  (in_only ? ALTBPF_CAPTURE_F_IN_ONLY : 0);
	o.log_buf = (__u64)(unsigned long)log;
	o.log_size = sizeof(log);

	dfd = open(ALTBPF_DEVICE, O_RDWR | O_CLOEXEC);
	if (dfd < 0) {
		fprintf(stderr, "altbpf capture: %s: %s\n", ALTBPF_DEVICE,
			strerror(errno));
		goto out_code;
	}
	cfd = ioctl(dfd, ALTBPF_IOC_CAPTURE_OPEN, &o);
	close(dfd);
	if (cfd < 0) {
		fprintf(stderr, "altbpf capture: ALTBPF_IOC_CAPTURE_OPEN: %s\n",
			strerror(errno));
		if (log[0])
			fputs(log, stderr);
		goto out_code;
	}

	if (wfile) {
		dumper = pcap_dump_open(pd, wfile);
		if (!dumper) {
			fprintf(stderr, "altbpf capture: %s\n", pcap_geterr(pd));
			close(cfd);
			goto out_code;
		}
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = capture_on_signal;	/* no SA_RESTART: poll ends */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	fprintf(stderr, "listening on %s, link-type %s (%s), snapshot length %lu bytes\n",
		ifname ? ifname : "any", pcap_datalink_val_to_name(dlt),
		pcap_datalink_val_to_description(dlt), snaplen);
	fflush(stderr);

	bufsz = ALTBPF_CAPTURE_ALIGN(sizeof(struct altbpf_capture_hdr) +
				     ALTBPF_CAPTURE_MAX_SNAPLEN) * 2;
	buf = malloc(bufsz);
	if (!buf) {
		fputs("altbpf capture: out of memory\n", stderr);
		goto out_close;
	}
	ret = 0;
	while (!capture_stop && (!count || captured < count)) {
		struct pollfd pfd = { .fd = cfd, .events = POLLIN };
		ssize_t n;
		size_t off;

		if (poll(&pfd, 1, 250) < 0) {
			if (errno == EINTR)
				continue;
			perror("altbpf capture: poll");
			ret = 1;
			break;
		}
		if (!(pfd.revents & (POLLIN | POLLHUP)))
			continue;
		n = read(cfd, buf, bufsz);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			perror("altbpf capture: read");
			ret = 1;
			break;
		}
		if (n == 0) {
			fputs("altbpf capture: the device went away\n", stderr);
			break;
		}
		for (off = 0; off < (size_t)n && (!count || captured < count);) {
			struct altbpf_capture_hdr h;
			const u8 *data = buf + off + sizeof(h);
			static u8 vbuf[ALTBPF_CAPTURE_MAX_SNAPLEN + 4];

			memcpy(&h, buf + off, sizeof(h));
			off += ALTBPF_CAPTURE_ALIGN(sizeof(h) + h.caplen);
			captured++;
			/*
			 * An offloaded VLAN tag goes back into the frame after
			 * the MAC addresses, as libpcap does (PACKET_AUXDATA).
			 */
			if (h.vlan_present && h.caplen >= 12 && snaplen >= 16 &&
			    h.hatype != ARPHRD_NONE) {
				u16 tag[2] = { h.vlan_proto ? h.vlan_proto :
					       htons(0x8100), htons(h.vlan_tci) };

				u32 cl = h.caplen + 4 > snaplen ? snaplen : h.caplen + 4;

				memcpy(vbuf, data, 12);
				memcpy(vbuf + 12, tag, 4);
				memcpy(vbuf + 16, data + 12, cl - 16);
				data = vbuf;
				h.caplen = cl;
				h.len += 4;
			}
			if (dumper) {
				struct pcap_pkthdr ph = {
					.ts.tv_sec = h.tstamp_ns / 1000000000ULL,
					.ts.tv_usec = h.tstamp_ns % 1000000000ULL / 1000,
					.caplen = h.caplen,
					.len = h.len,
				};

				pcap_dump((u_char *)dumper, &ph, data);
			}
			if (!quiet && !dumper) {
				time_t sec = h.tstamp_ns / 1000000000ULL;
				struct tm tm;
				char ifn[IF_NAMESIZE] = "?";

				localtime_r(&sec, &tm);
				if_indextoname(h.ifindex, ifn);
				printf("%02d:%02d:%02d.%06llu %s %-3s ",
				       tm.tm_hour, tm.tm_min, tm.tm_sec,
				       (unsigned long long)(h.tstamp_ns % 1000000000ULL / 1000),
				       ifn, pkttype_name(h.pkttype));
				decode(stdout, data, h.caplen,
				       h.hatype == ARPHRD_NONE ? ARPHRD_NONE :
								 ARPHRD_ETHER);
				printf(" (len %u, caplen %u)\n", h.len, h.caplen);
			}
		}
		if (dumper)
			pcap_dump_flush(dumper);
		fflush(stdout);
	}
	free(buf);
	if (capture_stats(cfd, &st)) {
		perror("altbpf capture: ALTBPF_IOC_CAPTURE_STATS");
		ret = 1;
	} else {
		fprintf(stderr, "%lu packets captured, %llu received by filter, %llu dropped by filter, %llu dropped for lack of buffer space\n",
			captured, (unsigned long long)st.received,
			(unsigned long long)st.filter_dropped,
			(unsigned long long)st.ring_dropped);
		if (st.filter_errors || st.truncated)
			fprintf(stderr, "(%llu filter runs aborted, %llu packets filtered on a truncated copy)\n",
				(unsigned long long)st.filter_errors,
				(unsigned long long)st.truncated);
	}
out_close:
	if (dumper)
		pcap_dump_close(dumper);
	close(cfd);
out_code:
	pcap_freecode(&bp);
	pcap_close(pd);
	return ret;
}

/* `altbpf run --classic` */

static int classic_via_dev(const struct abpf_cbpf_insn *insns, u32 n,
			   u8 *pkt, size_t plen, u32 engine, u32 repeat,
			   u64 *r0, u32 *ns, char *log, size_t logsz)
{
	static const char license[] = "GPL";
	struct altbpf_call call = { .size = sizeof(union bpf_attr) };
	union bpf_attr attr;
	int fd, pfd, err;
	u64 r0full = 0;

	fd = open(ALTBPF_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(log, logsz, "%s: %s\n", ALTBPF_DEVICE, strerror(errno));
		return -2;
	}
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = ALTBPF_PROG_TYPE_PACKET;
	attr.prog_flags = ALTBPF_PROG_LOAD_CLASSIC;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = n;
	attr.license = (__u64)(unsigned long)license;
	attr.log_buf = (__u64)(unsigned long)log;
	attr.log_size = logsz;
	attr.log_level = 1;
	call.cmd = BPF_PROG_LOAD;
	call.attr = (__u64)(unsigned long)&attr;
	pfd = ioctl(fd, ALTBPF_IOC_BPF, &call);
	if (pfd < 0) {
		err = errno;
		if (!log[0])
			snprintf(log, logsz, "BPF_PROG_LOAD: %s\n", strerror(err));
		close(fd);
		return -1;
	}
	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = pfd;
	attr.test.data_in = (__u64)(unsigned long)pkt;
	attr.test.data_size_in = plen;
	attr.test.repeat = repeat;
	attr.test.flags = ALTBPF_TEST_RUN_ENGINE(engine) | ALTBPF_TEST_RUN_R0_OUT;
	attr.test.ctx_out = (__u64)(unsigned long)&r0full;
	attr.test.ctx_size_out = sizeof(r0full);
	call.cmd = BPF_PROG_TEST_RUN;
	err = ioctl(fd, ALTBPF_IOC_BPF, &call) ? errno : 0;
	close(pfd);
	close(fd);
	if (err) {
		snprintf(log, logsz, "BPF_PROG_TEST_RUN: %s", strerror(err));
		return err == ERANGE || err == ELOOP ? -3 : -2;
	}
	*r0 = r0full;
	*ns = attr.test.duration;
	return 0;
}

static int classic_native(const struct bpf_insn *insns, u32 n, u8 *pkt,
			  size_t plen, u32 engine, u32 repeat, u64 *r0,
			  u32 *ns, char *log, size_t logsz)
{
	struct abpf_log l = { .buf = log, .size = logsz, .level = 0 };
	struct abpf_pkt_ctx ctx = { 0 };
	struct abpf_run_ctx rc;
	struct abpf_prog *prog;
	u64 t0;
	u32 i;
	int err;

	if (engine != ABPF_ENGINE_INTERP && engine != ABPF_ENGINE_JIT) {
		snprintf(log, logsz, "engine %s needs --via dev",
			 abpf_engine_name(engine));
		return -2;
	}
	if (engine == ABPF_ENGINE_JIT && !run_have_native_jit()) {
		snprintf(log, logsz, "the JIT is not built into this binary");
		return -2;
	}
	prog = native_load(insns, n, ABPF_PROG_TYPE_PACKET, &l, &err);
	if (!prog)
		return -1;
#ifdef ALTBPF_HAVE_JIT
	if (engine == ABPF_ENGINE_JIT) {
		err = abpf_native_jit(prog, 0, &l);
		if (err) {
			abpf_prog_free(prog);
			return -2;
		}
	}
#endif
	/* the ctx BPF_PROG_TEST_RUN builds for a packet program (api.c) */
	ctx.data = (u64)(unsigned long)pkt;
	ctx.data_end = ctx.data + plen;
	ctx.len = plen;
	if (plen >= 14)
		memcpy(&ctx.protocol, pkt + 12, 2);	/* as __be16 */
	ctx.pkttype = PACKET_HOST;
	ctx.hatype = ARPHRD_ETHER;
	t0 = run_now_ns();
	for (i = 0; i < repeat; i++) {
		abpf_run_ctx_init_pkt(&rc, &ctx, false);
#ifdef ALTBPF_HAVE_JIT
		if (engine == ABPF_ENGINE_JIT)
			*r0 = prog->jit_func(&rc);
		else
#endif
			*r0 = abpf_interp_run(prog, &rc);
		if (rc.error)
			break;
	}
	*ns = (run_now_ns() - t0) / (i < repeat ? i + 1 : repeat);
	err = rc.error;
#ifdef ALTBPF_HAVE_JIT
	if (prog->jit_image)
		abpf_native_jit_free(prog);
#endif
	abpf_prog_free(prog);
	if (err) {
		snprintf(log, logsz, "run aborted: %s", errno_name(err));
		return -3;
	}
	return 0;
}

#define CLASSIC_MAX_DATA	256
#define CLASSIC_LOG_SIZE	65536

/* A classic filter ready to run (`altbpf run --classic`). */
struct classic_job {
	const struct abpf_cbpf_insn *f;		/* as given (via dev) */
	u32 n;
	const struct bpf_insn *insns;		/* translated (native) */
	u32 ninsns;
	int via, detected;
	u32 repeat;
	bool lines;		/* several packets or engines: a line each */
	char *log;		/* CLASSIC_LOG_SIZE bytes */
};

/* Run on one packet and engine and print the result; 0, 1 or 3 (exit). */
static int classic_run_one(const struct classic_job *j, const char *dpath,
			   u8 *pkt, size_t plen, int engine)
{
	const char *via = j->via == RUN_VIA_DEV ? "dev" : "native";
	u32 v, ns = 0;
	u64 r0 = 0;
	int ret;

	j->log[0] = '\0';
	/* Natively, name the engine that runs, not "default". */
	if (j->via != RUN_VIA_DEV)
		engine = run_native_engine(engine);
	/* Via the device: the classic program, for the kernel's engines. */
	if (j->via == RUN_VIA_DEV)
		ret = classic_via_dev(j->f, j->n, pkt, plen, engine, j->repeat,
				      &r0, &ns, j->log, CLASSIC_LOG_SIZE);
	else
		ret = classic_native(j->insns, j->ninsns, pkt, plen, engine,
				     j->repeat, &r0, &ns, j->log,
				     CLASSIC_LOG_SIZE);
	if (ret == -1)
		fprintf(stderr, "altbpf run: translated program rejected:\n%s",
			j->log);
	else if (ret < 0)
		fprintf(stderr, "altbpf run: %s%s%s: %s\n",
			j->lines ? dpath : "", j->lines ? " " : "",
			j->lines ? abpf_engine_name(engine) : "", j->log);
	if (ret)
		return ret == -3 ? 3 : 1;
	v = (u32)r0;
	if (j->lines) {
		printf("%s %s: r0 = 0x%x (%u), ns/run: %u (%u run%s, via %s)\n",
		       dpath, abpf_engine_name(engine), v, v, ns, j->repeat,
		       j->repeat == 1 ? "" : "s", via);
		return 0;
	}
	printf("r0 = 0x%x (%u)\n", v, v);
	if (v)
		printf("accept: keep %zu of %zu bytes (%s form, %u classic insns, via %s)\n",
		       (size_t)v < plen ? (size_t)v : plen, plen,
		       cbpf_form_name(j->detected), j->n, via);
	else
		printf("drop (%s form, %u classic insns, via %s)\n",
		       cbpf_form_name(j->detected), j->n, via);
	printf("ns/run: %u (%u run%s, engine %s, via %s)\n", ns, j->repeat,
	       j->repeat == 1 ? "" : "s", abpf_engine_name(engine), via);
	return 0;
}

int cmd_run_classic(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "classic", required_argument, NULL, 'f' },
		{ "data", required_argument, NULL, 'D' },
		{ "mem", required_argument, NULL, 'D' },
		{ "engine", required_argument, NULL, 'e' },
		{ "via", required_argument, NULL, 'v' },
		{ "form", required_argument, NULL, 'F' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const int all_engines[] = {
		ABPF_ENGINE_INTERP, ABPF_ENGINE_JIT,
		ABPF_ENGINE_KERNEL_INTERP, ABPF_ENGINE_KERNEL_JIT,
	};
	const char *fpath = NULL, *dpaths[CLASSIC_MAX_DATA];
	int engine = ABPF_ENGINE_DEFAULT, form = CBPF_FORM_AUTO;
	int c, ret, status = 0, engines[4], nengines;
	struct classic_job j = { .via = RUN_VIA_NATIVE, .repeat = 1 };
	struct abpf_cbpf_insn *f = NULL;
	struct bpf_insn *insns = NULL;
	char err[CBPF_ERR_LEN], *end;
	u8 *fbuf = NULL, *pkt = NULL;
	size_t flen, plen = 0;
	u32 ndata = 0, i, e;
	struct abpf_log l;
	bool all = false;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fpath = optarg;
			break;
		case 'D':
			if (ndata == CLASSIC_MAX_DATA) {
				fprintf(stderr, "altbpf run: at most %d --data\n",
					CLASSIC_MAX_DATA);
				return 2;
			}
			dpaths[ndata++] = optarg;
			break;
		case 'e':
			all = !strcmp(optarg, "all");
			engine = all ? ABPF_ENGINE_DEFAULT : parse_engine(optarg);
			if (engine < 0) {
				fprintf(stderr, "altbpf run: unknown engine '%s'\n", optarg);
				return 2;
			}
			break;
		case 'v':
			if (!strcmp(optarg, "native")) {
				j.via = RUN_VIA_NATIVE;
			} else if (!strcmp(optarg, "dev")) {
				j.via = RUN_VIA_DEV;
			} else {
				fprintf(stderr, "altbpf run: --via native|dev\n");
				return 2;
			}
			break;
		case 'F':
			form = cbpf_form_parse(optarg);
			if (form < 0) {
				fprintf(stderr, "altbpf run: unknown form '%s'\n", optarg);
				return 2;
			}
			break;
		case 'r':
			errno = 0;
			j.repeat = strtoul(optarg, &end, 0);
			if (errno || *end || !j.repeat) {
				fprintf(stderr, "altbpf run: --repeat N (N >= 1)\n");
				return 2;
			}
			break;
		case 'h':
			fputs(capture_usage, stdout);
			return 0;
		default:
			fputs(capture_usage, stderr);
			return 2;
		}
	}
	if (!fpath || optind != argc) {
		fputs(capture_usage, stderr);
		return 2;
	}
	/* all: the kernel's engines only through the device */
	nengines = 0;
	for (e = 0; all && e < ARRAY_SIZE(all_engines); e++)
		if (j.via == RUN_VIA_DEV || all_engines[e] == ABPF_ENGINE_INTERP ||
		    (all_engines[e] == ABPF_ENGINE_JIT && run_have_native_jit()))
			engines[nengines++] = all_engines[e];
	if (!all)
		engines[nengines++] = engine;
	j.lines = nengines > 1 || ndata > 1;

	if (read_file(fpath, &fbuf, &flen)) {
		fprintf(stderr, "altbpf run: %s: %s\n", fpath, strerror(errno));
		return 1;
	}
	if (cbpf_parse(fbuf, flen, form, &f, &j.n, &j.detected, err,
		       sizeof(err))) {
		fprintf(stderr, "altbpf run: %s: %s\n", fpath, err);
		free(fbuf);
		return 1;
	}
	free(fbuf);
	j.log = calloc(1, CLASSIC_LOG_SIZE);
	if (!j.log) {
		free(f);
		return 1;
	}
	memset(&l, 0, sizeof(l));
	l.buf = j.log;
	l.size = CLASSIC_LOG_SIZE;
	ret = abpf_cbpf_check(f, j.n, &l);
	if (!ret)
		ret = abpf_cbpf_translate(f, j.n, &insns, &j.ninsns, &l);
	if (ret) {
		fprintf(stderr, "altbpf run: classic filter rejected (%s):\n%s",
			errno_name(ret), j.log);
		free(f);
		free(j.log);
		return 1;
	}
	j.f = f;
	j.insns = insns;
	/* No --data: one run on an empty packet. */
	for (i = 0; i < (ndata ? ndata : 1); i++) {
		plen = 0;
		if (ndata && read_file(dpaths[i], &pkt, &plen)) {
			fprintf(stderr, "altbpf run: %s: %s\n", dpaths[i],
				strerror(errno));
			status = 1;
			break;
		}
		for (e = 0; e < (u32)nengines; e++) {
			ret = classic_run_one(&j, ndata ? dpaths[i] : "-", pkt,
					      plen, engines[e]);
			if (ret && !status)
				status = ret;
		}
		free(pkt);
		pkt = NULL;
	}
	free(f);
	abpf_free(insns);
	free(j.log);
	return status;
}
