# stack_loop.s - JIT micro benchmark: a loop over stack memory (100000
# rounds of loads and stores at constant stack offsets: no run-time memory
# checks needed).  Kernel-JIT compatible: r8 and r9 stay unnamed.
	mov %r0, 0
	stdw [%r10-8], 1
	stdw [%r10-16], 2
	stdw [%r10-24], 3
	mov %r3, 0
loop:
	ldxdw %r2, [%r10-8]
	ldxdw %r4, [%r10-16]
	add %r2, %r4
	stxdw [%r10-16], %r2
	ldxdw %r5, [%r10-24]
	xor %r5, %r2
	stxdw [%r10-24], %r5
	stxw [%r10-8], %r3
	add %r0, %r5
	add %r3, 1
	jlt %r3, 100000, loop
	exit
