# branch_loop.s - JIT micro benchmark: a branchy loop (100000 rounds; the
# branches depend on an xorshift state, so they are taken about half the
# time).  Kernel-JIT compatible: r8 and r9 stay unnamed.
	lddw %r2, 0x9e3779b97f4a7c15
	mov %r0, 0
	mov %r3, 0
loop:
	mov %r5, %r2
	lsh %r5, 13
	xor %r2, %r5
	mov %r5, %r2
	rsh %r5, 7
	xor %r2, %r5
	jset %r2, 1, odd
	add %r0, 3
	ja next
odd:
	jset %r2, 2, three
	sub %r0, 1
	ja next
three:
	xor %r0, 0x55
next:
	add %r3, 1
	jlt %r3, 100000, loop
	exit
