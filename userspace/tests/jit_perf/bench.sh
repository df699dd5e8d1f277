#!/bin/sh
# bench.sh - the JIT micro benchmarks: each program here on altbpf's JIT
# against the kernel's JIT (in the guest, through /dev/altbpf), or
# altbpf's interpreter against altbpf's JIT (--via native).  Prints
# figures (best of ROUNDS runs of --repeat N each); it is not a test.
#   userspace/tests/jit_perf/bench.sh [--via native] [--rounds R] [--repeat N]
#   scripts/vm-run -- userspace/tests/jit_perf/bench.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
altbpf=${ALTBPF:-$here/../../../build/bin/altbpf}
via=dev rounds=3 repeat=20
while [ $# -gt 0 ]; do
	case $1 in
	--via) via=$2; shift ;;
	--rounds) rounds=$2; shift ;;
	--repeat) repeat=$2; shift ;;
	*) echo "usage: $0 [--via native|dev] [--rounds R] [--repeat N]" >&2; exit 2 ;;
	esac
	shift
done
if [ "$via" = native ]; then engines="interp jit"; else engines="jit kernel-jit"; fi

# best ns/run of $rounds runs: prog engine [type]
best() {
	b=
	for _ in $(seq "$rounds"); do
		ns=$("$altbpf" run "$1" --via "$via" --engine "$2" \
			--repeat "$repeat" ${3:+--type "$3"} 2>/dev/null |
			sed -n 's/^ns\/run: \([0-9]*\).*/\1/p')
		[ -n "$ns" ] || { echo -; return; }
		if [ -z "$b" ] || [ "$ns" -lt "$b" ]; then b=$ns; fi
	done
	echo "$b"
}

set -- $engines
printf '%-18s %14s %14s %8s\n' program "$1 ns" "$2 ns" "$1/$2"
for prog in "$here"/*.s "$here/../../examples/sum_loop.s"; do
	type=
	case $prog in *call_loop.s) type=conformance ;; esac
	a=$(best "$prog" "$1" "$type")
	b=$(best "$prog" "$2" "$type")
	ratio=-
	if [ "$a" != - ] && [ "$b" != - ]; then
		ratio=$(awk "BEGIN { printf \"%.2f\", $a / $b }")
	fi
	printf '%-18s %14s %14s %8s\n' "$(basename "$prog")" "$a" "$b" "$ratio"
done
