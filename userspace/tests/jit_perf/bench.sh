#!/bin/sh
# bench.sh - the JIT micro benchmarks: each program here on altbpf's JIT
# against the kernel's JIT (in the guest, through /dev/altbpf), or
# altbpf's interpreter against altbpf's JIT (--via native).  Prints
# figures (best of ROUNDS alternating runs of --repeat N each); it is
# not a test.
#   userspace/tests/jit_perf/bench.sh [--via native] [--rounds R] [--repeat N]
#   scripts/vm-run -- userspace/tests/jit_perf/bench.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
altbpf=${ALTBPF:-$here/../../../build/bin/altbpf}
via=dev rounds=7 repeat=20
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

mem64=$(i=0; while [ $i -lt 64 ]; do printf '%02x ' $i; i=$((i + 1)); done)

# ns/run of one run of --repeat N: prog engine [type]
once() {
	case $1 in *mem_loop.s) set -- "$@" --mem-hex "$mem64" ;; esac
	"$altbpf" run "$1" --via "$via" --engine "$2" --repeat "$repeat" \
		${3:+--type "$3"} ${4:+"$4" "$5"} 2>/dev/null |
		sed -n 's/^ns\/run: \([0-9]*\).*/\1/p'
}

min() {
	if [ -z "$1" ] || [ "$1" = - ]; then echo "${2:--}"
	elif [ -z "$2" ] || [ "$1" -lt "$2" ]; then echo "$1"
	else echo "$2"; fi
}

set -- $engines
printf '%-18s %14s %14s %8s\n' program "$1 ns" "$2 ns" "$1/$2"
for prog in "$here"/*.s "$here/../../examples/sum_loop.s"; do
	type=
	case $prog in *call_loop.s) type=conformance ;; esac
	# the two engines alternate, so both see the same machine load
	a= b=
	for _ in $(seq "$rounds"); do
		a=$(min "$(once "$prog" "$1" "$type")" "$a")
		b=$(min "$(once "$prog" "$2" "$type")" "$b")
	done
	ratio=-
	if [ "$a" != - ] && [ "$b" != - ]; then
		ratio=$(awk "BEGIN { printf \"%.2f\", $a / $b }")
	fi
	printf '%-18s %14s %14s %8s\n' "$(basename "$prog")" "$a" "$b" "$ratio"
done
