# mem_loop.s - JIT micro benchmark: loads and stores through the input
# memory at computed offsets (100000 rounds), each checked at run time
# (ABPF_AUX_MEMCHK).  Run with 64 bytes of input (bench.sh passes them);
# the kernel's engines cannot run it (no run-time memory checks there).
	mov %r0, 0
	mov %r3, 0
loop:
	mov %r5, %r3
	and %r5, 63
	add %r5, %r1
	ldxb %r4, [%r5]
	add %r0, %r4
	mov %r5, %r3
	mul %r5, 7
	and %r5, 56
	add %r5, %r1
	stxdw [%r5], %r3
	add %r3, 1
	jlt %r3, 100000, loop
	exit
