#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""report.py - the results of `make bench` (docs/bench.md).

Merges the harness's CSV files (altbpf-bench --csv/--extra-csv, natively
and in the guest) into build/bench/results.csv, writes results.md and
results.png (gnuplot: per program, each engine's time relative to the
kernel's JIT in the same place), checks that every engine in both places
returned the same checksum, and prints the table and the goal figures.
Exit status 1 on a checksum mismatch or a failed run.

usage: report.py OUT_DIR SUITE_CSV... --extra EXTRA_CSV...
"""
import csv
import math
import subprocess
import sys

SUITE_COLS = ["program", "engine", "where", "ns_per_run", "runs",
              "checksum", "status", "note"]
EXTRA_COLS = ["kind", "what", "engine", "where", "value", "unit", "runs",
              "note"]
# table columns: (where, engine)
COLUMNS = [("native", "gcc-O2"), ("native", "altbpf-interp"),
           ("native", "altbpf-jit"), ("native", "kernel-jit"),
           ("guest", "altbpf-interp"), ("guest", "altbpf-jit"),
           ("guest", "kernel-interp"), ("guest", "kernel-jit")]
COMPUTE = ["empty", "xorshift", "collatz", "bubble", "csum", "jhash",
           "crc32", "parser", "calls"]
LOOKUPS_PER_RUN = {"lookup_array": 256, "lookup_hash": 256}


def read(paths, cols):
    rows = []
    for p in paths:
        try:
            with open(p, newline="") as f:
                for r in csv.reader(f):
                    if r and r[0] != cols[0]:
                        rows.append(dict(zip(cols, r)))
        except FileNotFoundError:
            print(f"report: {p}: missing (that place did not run)",
                  file=sys.stderr)
    return rows


def geomean(v):
    v = [x for x in v if x and x > 0]
    return math.exp(sum(math.log(x) for x in v) / len(v)) if v else None


def fmt_ns(x):
    if x is None:
        return "n/a"
    return f"{x:.1f}" if x < 1000 else f"{x:,.0f}"


def fmt_ratio(x):
    return "n/a" if x is None else f"{x:.2f}"


def main(argv):
    out = argv[1]
    split = argv.index("--extra") if "--extra" in argv else len(argv)
    suite = read(argv[2:split], SUITE_COLS)
    extra = read(argv[split + 1:], EXTRA_COLS)
    bad = []

    with open(f"{out}/results.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(SUITE_COLS)
        for r in suite:
            w.writerow([r[c] for c in SUITE_COLS])

    programs = []
    cell = {}
    for r in suite:
        if r["program"] not in programs:
            programs.append(r["program"])
        cell[(r["program"], r["where"], r["engine"])] = r
        if r["status"] in ("MISMATCH", "error"):
            bad.append(f"{r['program']} {r['engine']} ({r['where']}): "
                       f"{r['status']}: {r['note']}")

    # every engine, both places: one checksum per program
    for p in programs:
        sums = {(r["where"], r["engine"]): r["checksum"] for r in suite
                if r["program"] == p and r["status"] == "ok"}
        if len(set(sums.values())) > 1:
            bad.append(f"{p}: checksums differ across places: {sums}")

    def ns(p, where, eng):
        r = cell.get((p, where, eng))
        return float(r["ns_per_run"]) if r and r["status"] == "ok" else None

    def ratio(p, a, b):
        x, y = ns(p, *a), ns(p, *b)
        return x / y if x and y else None

    ratios = [
        ("altbpf JIT / kernel JIT (guest)", ("guest", "altbpf-jit"),
         ("guest", "kernel-jit"), None),
        ("altbpf JIT / kernel JIT (native)", ("native", "altbpf-jit"),
         ("native", "kernel-jit"), None),
        # native map programs run on maps_native.c's test maps
        ("altbpf JIT / kernel JIT (native, compute)",
         ("native", "altbpf-jit"), ("native", "kernel-jit"), COMPUTE),
        ("altbpf interp / kernel interp (guest)", ("guest", "altbpf-interp"),
         ("guest", "kernel-interp"), None),
        ("altbpf JIT / gcc -O2 (native, compute)", ("native", "altbpf-jit"),
         ("native", "gcc-O2"), COMPUTE),
    ]

    md = []
    md.append("## Suite: ns per run (median of rounds)\n")
    md.append("| program | " + " | ".join(f"{w} {e}" for w, e in COLUMNS) +
              " | JIT/kJIT guest | JIT/kJIT native | (compute)"
              " | interp/kinterp guest | JIT/gcc native |")
    md.append("|---" * (len(COLUMNS) + 6) + "|")
    for p in programs:
        row = [p]
        for w, e in COLUMNS:
            r = cell.get((p, w, e))
            if not r:
                row.append("-")
            elif r["status"] == "ok":
                row.append(fmt_ns(float(r["ns_per_run"])))
            else:
                row.append(r["status"])
        for _, a, b, only in ratios:
            row.append(fmt_ratio(ratio(p, a, b))
                       if not only or p in only else "")
        md.append("| " + " | ".join(row) + " |")

    md.append("\n## Goals: geometric means over the suite\n")
    md.append("| ratio | geomean | programs |")
    md.append("|---|---|---|")
    goals = []
    for name, a, b, only in ratios:
        v = [ratio(p, a, b) for p in programs if not only or p in only]
        v = [x for x in v if x]
        g = geomean(v)
        goals.append(f"{name:44s} {fmt_ratio(g):>8s}  over {len(v)} programs")
        md.append(f"| {name} | {fmt_ratio(g)} | {len(v)} |")

    notes = [f"- {r['program']} {r['engine']} ({r['where']}): "
             f"{r['status']}: {r['note']}"
             for r in suite if r["status"] != "ok" and r["note"]
             and r["engine"] != "gcc-O2"]
    if notes:
        md.append("\n## Not run, and why\n")
        md += notes

    loads = [r for r in extra if r["kind"] == "load"]
    if loads:
        md.append("\n## Load cost (check + JIT) of a generated program\n")
        md.append("| where | engine | ns per insn | note |")
        md.append("|---|---|---|---|")
        for r in loads:
            md.append(f"| {r['where']} | {r['engine']} | "
                      f"{float(r['value']):.1f} | {r['note']} |")
        for where in ("native", "guest"):
            a = [float(r["value"]) for r in loads if r["where"] == where
                 and r["engine"] == "altbpf" and r["unit"] == "ns/insn"]
            k = [float(r["value"]) for r in loads if r["where"] == where
                 and r["engine"] == "kernel" and r["unit"] == "ns/insn"]
            if a and k:
                s = f"altbpf load / kernel load per insn ({where})"
                goals.append(f"{s:44s} {a[0] / k[0]:8.2f}")
                md.append(f"\n{s}: **{a[0] / k[0]:.2f}**")

    md.append("\n## Map lookups per second\n")
    md.append("| from | map | where | engine | lookups/s |")
    md.append("|---|---|---|---|---|")
    for p, n in LOOKUPS_PER_RUN.items():
        for w, e in COLUMNS:
            x = ns(p, w, e)
            if x:
                md.append(f"| program | {p[7:]} | {w} | {e} | "
                          f"{n * 1e9 / x:,.0f} |")
    for r in extra:
        if r["kind"] == "map-user" and r["unit"] == "lookups/s":
            md.append(f"| userspace | {r['what']} | {r['where']} | "
                      f"{r['engine']} | {float(r['value']):,.0f} |")

    if bad:
        md.append("\n## ERRORS\n")
        md += [f"- {b}" for b in bad]

    with open(f"{out}/results.md", "w") as f:
        f.write("\n".join(md) + "\n")

    # chart data: time relative to the kernel JIT of the same place
    series = [("native", "gcc-O2"), ("native", "altbpf-interp"),
              ("native", "altbpf-jit"), ("guest", "altbpf-interp"),
              ("guest", "altbpf-jit"), ("guest", "kernel-interp")]
    with open(f"{out}/chart.dat", "w") as f:
        f.write("program " + " ".join(f"{w}:{e}" for w, e in series) + "\n")
        for p in programs:
            vals = []
            for w, e in series:
                r = ratio(p, (w, e), (w, "kernel-jit"))
                vals.append(f"{r:.4f}" if r else "NaN")
            f.write(p + " " + " ".join(vals) + "\n")
    plots = [f"'{out}/chart.dat' u 2:xtic(1) ti '{series[0][0]} {series[0][1]}'"]
    plots += [f"'' u {i + 2} ti '{w} {e}'"
              for i, (w, e) in enumerate(series) if i]
    plots.append("1 lw 2 lc 'black' ti 'kernel JIT'")
    gp = f"""
set terminal pngcairo size 1400,700 noenhanced
set output '{out}/results.png'
set title 'time per run relative to the kernel JIT of the same place (log scale, lower is faster; 1 = kernel JIT)'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [0.01:*]
set grid ytics
set xtics rotate by -35 offset -2,0
set key outside right top
set datafile missing 'NaN'
plot {', '.join(plots)}
"""
    try:
        subprocess.run(["gnuplot"], input=gp, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"report: gnuplot failed: {e}", file=sys.stderr)
        bad.append("chart: gnuplot failed")

    print("\n".join(md[:len(programs) + 3]))
    print()
    for b in bad:
        print(f"ERROR: {b}")
    print("goals (geometric means; < 1 means altbpf is faster):")
    for g in goals:
        print("  " + g)
    print(f"results: {out}/results.csv {out}/results.md {out}/results.png")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
