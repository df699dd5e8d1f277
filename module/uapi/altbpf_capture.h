/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * altbpf_capture.h - the packet-capture tap of /dev/altbpf (ioctl numbers
 * 0x10-0x1f).  See docs/capture.md.
 *
 *	struct altbpf_capture_open o = { .ifindex = if_nametoindex("eth0"),
 *		.filter = (__u64)(unsigned long)prog.bf_insns,
 *		.filter_len = prog.bf_len };
 *	int cfd = ioctl(devfd, ALTBPF_IOC_CAPTURE_OPEN, &o);
 *	n = read(cfd, buf, sizeof(buf));	// whole records, see below
 *	ioctl(cfd, ALTBPF_IOC_CAPTURE_STATS, &stats);
 *	close(cfd);				// detaches the tap
 *
 * ALTBPF_IOC_CAPTURE_OPEN returns a new fd (O_CLOEXEC; O_NONBLOCK with
 * ALTBPF_CAPTURE_F_NONBLOCK).  It needs CAP_NET_RAW.  Every packet seen on
 * the device (received and sent: ETH_P_ALL) runs the classic filter on
 * the frame from its link-layer header; the verdict (bytes to keep, 0 =
 * drop) capped at snaplen and at the frame's length is copied into the
 * capture's ring.  read() returns whole records, each a struct
 * altbpf_capture_hdr then caplen bytes of frame, the next record at
 * ALTBPF_CAPTURE_ALIGN(sizeof(hdr) + caplen) bytes; it blocks until at
 * least one record is ready (poll(): EPOLLIN), fails with EINVAL when the
 * buffer cannot hold the first record (ALTBPF_CAPTURE_MAX_SNAPLEN + the
 * header always suffices), and returns 0 (end of file) once the device
 * went away and the ring is drained.
 */
#ifndef _UAPI_ALTBPF_CAPTURE_H
#define _UAPI_ALTBPF_CAPTURE_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define ALTBPF_CAPTURE_DEFAULT_SNAPLEN	262144	/* as tcpdump */
#define ALTBPF_CAPTURE_MAX_SNAPLEN	262144
#define ALTBPF_CAPTURE_DEFAULT_RING	(4U << 20)
#define ALTBPF_CAPTURE_MIN_RING		(64U << 10)
#define ALTBPF_CAPTURE_MAX_RING		(256U << 20)

/* Flags of struct altbpf_capture_open. */
/* Skip packets sent on loopback devices (each is also received): libpcap. */
#define ALTBPF_CAPTURE_F_LO_NO_OUTGOING	(1U << 0)
/* The capture fd is O_NONBLOCK. */
#define ALTBPF_CAPTURE_F_NONBLOCK	(1U << 1)
/* Only packets received (not PACKET_OUTGOING). */
#define ALTBPF_CAPTURE_F_IN_ONLY	(1U << 2)
#define ALTBPF_CAPTURE_F_ALL		((1U << 3) - 1)

struct altbpf_capture_open {
	__u32 ifindex;		/* device in the caller's netns; 0 = all of them */
	__u32 snaplen;		/* 0 = default; at most MAX_SNAPLEN */
	__u32 ring_size;	/* bytes; 0 = default; rounded up to a power of 2 */
	__u32 engine;		/* enum abpf_engine: 0 default, 1 interp, 2 jit */
	__u64 filter;		/* user pointer to struct sock_filter[filter_len] */
	__u32 filter_len;	/* instructions; 0 = no filter: keep everything */
	__u32 flags;		/* ALTBPF_CAPTURE_F_* */
	__u64 log_buf;		/* optional: the checker's log when refused */
	__u32 log_size;
	__u32 reserved;		/* must be 0 */
};

/* One record of the ring; the frame follows. */
struct altbpf_capture_hdr {
	__u64 tstamp_ns;	/* CLOCK_REALTIME when the tap saw it */
	__u32 caplen;		/* bytes of frame that follow */
	__u32 len;		/* frame length on the wire (link layer included) */
	__u32 ifindex;
	__u16 pkttype;		/* PACKET_HOST, ..., PACKET_OUTGOING */
	__u16 protocol;		/* skb->protocol (network byte order) */
	__u16 hatype;		/* ARPHRD_* of the device */
	__u16 vlan_tci;		/* valid when vlan_present */
	__u16 vlan_proto;	/* network byte order */
	__u16 vlan_present;
};

#define ALTBPF_CAPTURE_ALIGN(x)	(((x) + 7) & ~7UL)

struct altbpf_capture_stats {
	__u32 capture_fd;	/* in: on /dev/altbpf only (ignored on a capture fd) */
	__u32 flags;		/* in: must be 0 */
	__u64 received;		/* packets the filter ran on */
	__u64 filter_dropped;	/* verdict 0, or the run aborted */
	__u64 ring_dropped;	/* accepted, no room in the ring */
	__u64 captured;		/* records written to the ring */
	__u64 filter_errors;	/* runs that aborted (also in filter_dropped) */
	__u64 truncated;	/* filter saw only the first BOUNCE bytes (see docs) */
};

#define ALTBPF_IOC_CAPTURE_OPEN		_IOW('B', 0x10, struct altbpf_capture_open)
/* On a capture fd, or on /dev/altbpf with .capture_fd. */
#define ALTBPF_IOC_CAPTURE_STATS	_IOWR('B', 0x11, struct altbpf_capture_stats)

#endif /* _UAPI_ALTBPF_CAPTURE_H */
