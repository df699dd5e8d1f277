# sum_loop.s - a loop-heavy program: 100000 rounds of xorshift64.
# Used to measure the cost per executed instruction of each engine.
	lddw %r0, 0x9e3779b97f4a7c15
	mov %r3, 0
	mov %r4, 100000
loop:
	mov %r5, %r0
	lsh %r5, 13
	xor %r0, %r5
	mov %r5, %r0
	rsh %r5, 7
	xor %r0, %r5
	mov %r5, %r0
	lsh %r5, 17
	xor %r0, %r5
	add %r3, 1
	jlt %r3, %r4, loop
	exit
