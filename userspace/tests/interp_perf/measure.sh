#!/usr/bin/env bash
# measure.sh - the interpreter benchmark: time each program of this
# directory (and userspace/examples/sum_loop.s) on each engine, best of
# several trials, and print ns/run, ns/insn and the ratio of the first
# engine to the second, with the geometric mean of the ratios.
#
#   natively:     userspace/tests/interp_perf/measure.sh --via native
#   in the guest: scripts/vm-run -- userspace/tests/interp_perf/measure.sh
#
# A figure-printing benchmark, not a test: it fails only if a program
# cannot run or returns a result other than its expected one.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
ALTBPF=${ALTBPF:-$REPO/build/bin/altbpf}
via=dev
engines=""
repeat=""
trials=3
filter=""

usage() {
	cat <<USAGE
Usage: $0 [--via native|dev] [--engines "E1 E2 ..."] [--repeat N]
          [--trials T] [--filter TEXT]
Defaults: --via dev --engines "interp kernel-interp" --repeat 20 --trials 3
(natively: --engines interp, --repeat 200). An engine that cannot run a
program (kernel-interp: checked memory, calls) prints "-".
USAGE
}

while [ $# -gt 0 ]; do
	case $1 in
	--via) via=$2; shift 2 ;;
	--engines) engines=$2; shift 2 ;;
	--repeat) repeat=$2; shift 2 ;;
	--trials) trials=$2; shift 2 ;;
	--filter) filter=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
if [ "$via" = native ]; then
	engines=${engines:-interp}
	repeat=${repeat:-200}
fi
engines=${engines:-interp kernel-interp}
repeat=${repeat:-20}

# Executed instructions per run: from the "Executed instructions: N."
# comment of the generated programs; sum_loop.s is 3 + 11 * 100000 + 1.
insns_of() {
	case $1 in
	*/sum_loop.s) echo 1100004 ;;
	*) sed -n 's/^# Executed instructions: \([0-9]*\)\./\1/p' "$1" ;;
	esac
}

# ns/run of one run of $1 on $2, or "-" when the engine cannot run it.
run_ns() {
	local prog=$1 engine=$2 out rc=0
	out=$("$ALTBPF" run "$prog" --type mem --via "$via" \
		--engine "$engine" --repeat "$repeat" 2>&1) || rc=$?
	if [ $rc -ne 0 ]; then
		if grep -q "Operation not supported" <<<"$out"; then
			echo "-"
			return 0
		fi
		echo "$prog on $engine failed (exit $rc):" >&2
		echo "$out" >&2
		return 1
	fi
	sed -n 's/^ns\/run: \([0-9]*\).*/\1/p' <<<"$out"
}

progs=("$REPO/userspace/examples/sum_loop.s" "$HERE"/*.data)
read -r -a engs <<<"$engines"
printf '%-14s %9s' program insns
for e in "${engs[@]}"; do printf ' %14s %8s' "$e us" "ns/insn"; done
[ ${#engs[@]} -ge 2 ] && printf ' %7s' ratio
echo
logsum=0
nratio=0
for p in "${progs[@]}"; do
	name=$(basename "${p%.*}")
	[ -n "$filter" ] && [[ $name != *$filter* ]] && continue
	n=$(insns_of "$p")
	printf '%-14s %9s' "$name" "$n"
	# Trials alternate the engines, so load on the host hits both alike.
	vals=()
	for ((t = 0; t < trials; t++)); do
		for i in "${!engs[@]}"; do
			ns=$(run_ns "$p" "${engs[$i]}")
			best=${vals[$i]:-}
			if [ -z "$best" ] || { [ "$ns" != - ] && [ "$ns" -lt "$best" ]; }; then
				vals[$i]=$ns
			fi
		done
	done
	for i in "${!engs[@]}"; do
		ns=${vals[$i]}
		if [ "$ns" = - ]; then
			printf ' %14s %8s' - -
		else
			awk -v ns="$ns" -v n="$n" \
				'BEGIN { printf " %14.1f %8.2f", ns / 1000, ns / n }'
		fi
	done
	if [ ${#engs[@]} -ge 2 ]; then
		if [ "${vals[0]}" = - ] || [ "${vals[1]}" = - ]; then
			printf ' %7s' -
		else
			r=$(awk -v a="${vals[0]}" -v b="${vals[1]}" \
				'BEGIN { printf "%.3f", a / b }')
			printf ' %7s' "$r"
			logsum=$(awk -v s="$logsum" -v r="$r" 'BEGIN { print s + log(r) }')
			nratio=$((nratio + 1))
		fi
	fi
	echo
done
if [ $nratio -gt 0 ]; then
	awk -v s="$logsum" -v n="$nratio" -v e1="${engs[0]}" -v e2="${engs[1]}" \
		'BEGIN { printf "geomean %s / %s over %d programs: %.3f\n", e1, e2, n, exp(s / n) }'
fi
