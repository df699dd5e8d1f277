# ipv4_tcp.s - "is this an IPv4 TCP packet?" in eBPF.
#
# The classic BPF filter from the 1992 paper and tcpdump,
#     ldh [12]; jeq #0x800; ldb [23]; jeq #6
# rewritten for eBPF: r1 points at the Ethernet frame, r2 is its length.
# Returns 1 to accept, 0 to drop.
	mov %r0, 0
	jlt %r2, 24, out	# too short to hold the IPv4 protocol byte
	ldxh %r3, [%r1+12]	# EtherType, network byte order
	be16 %r3
	jne %r3, 0x800, out	# not IPv4
	ldxb %r3, [%r1+23]	# IPv4 protocol (14 + 9)
	jne %r3, 6, out		# not TCP
	mov %r0, 1
out:
	exit
