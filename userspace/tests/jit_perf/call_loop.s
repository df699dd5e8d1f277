# call_loop.s - JIT micro benchmark: helper and local calls in a loop
# (20000 rounds of helper 3, floor(sqrt(x)), and a bpf-to-bpf call).
# Needs helpers (run it with --type conformance): the kernel's engines
# cannot run it, so it is measured altbpf interpreter vs altbpf JIT.
	mov %r0, 0
	mov %r6, 0
	mov %r7, 0
loop:
	mov %r1, %r6
	mul %r1, 977
	call 3
	add %r7, %r0
	mov %r1, %r7
	call local mix
	mov %r7, %r0
	add %r6, 1
	jlt %r6, 20000, loop
	mov %r0, %r7
	exit
mix:
	mov %r0, %r1
	lsh %r0, 5
	xor %r0, %r1
	rsh %r0, 3
	exit
