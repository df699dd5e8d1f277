# alu_loop.s - JIT micro benchmark: an ALU-only loop (100000 rounds of a
# multiply/add/shift/and mix over three registers).  Runs on every engine,
# the kernel's JIT included (r8 and r9 stay unnamed for its loop budget).
	mov %r0, 1
	mov %r2, 7
	mov %r3, 0
	mov %r4, 100000
loop:
	mul %r0, 0x5bd1e995
	add %r0, %r2
	mov %r5, %r0
	rsh %r5, 15
	xor %r0, %r5
	and32 %r2, 0xffff
	add %r2, %r5
	add %r3, 1
	jlt %r3, %r4, loop
	exit
