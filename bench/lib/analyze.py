#!/usr/bin/env python3
"""Figures from the benchmark's raw data (stdlib only).

  analyze.py rate ARRIVALS_FILE LIMIT      arrival times (microseconds, one per line) -> JSON:
                                           count, busiest sliding 1-second window, average rate
  analyze.py latency PGBENCH_LOG...        pgbench -l logs -> JSON: count, p50, p99, max (ms)
  analyze.py plan SERVER_LOG FIRST_LINE    the auto_explain entry of the candidate query logged
                                           from that line on: its duration (ms) on the first line
  analyze.py statements SERVER_LOG FIRST_LINE
                                           every auto_explain entry logged from that line on, by
                                           statement (its first query line): count, total and
                                           worst ms, then each entry, slowest first
  analyze.py progress SAMPLES              a run's progress sampled from cart_abandon.runs (epoch,
                                           started epoch, batches, examined, sent per line) ->
                                           JSON: seconds to the first batch, per-batch seconds
"""
import json
import re
import sys


def rate(path, limit):
    with open(path) as f:
        at = sorted(int(line) for line in f if line.strip())
    busiest = 0
    start = 0
    # Every window [t, t + 1 s) that starts at an arrival: the busiest 1-second window of all.
    for end in range(len(at)):
        while at[end] - at[start] >= 1_000_000:
            start += 1
        busiest = max(busiest, end - start + 1)
    span = (at[-1] - at[0]) / 1e6 if len(at) > 1 else 0.0
    average = (len(at) - 1) / span if span > 0 else 0.0
    return {"count": len(at), "limit": limit, "busiest_window": busiest, "average_per_second": round(average, 2),
            "average_vs_limit_pct": round(100.0 * (average - limit) / limit, 2), "span_seconds": round(span, 3)}


def latency(paths):
    values = []
    for path in paths:
        with open(path) as f:
            for line in f:
                fields = line.split()
                # client_id transaction_no time script_no time_epoch time_us [schedule_lag]
                if len(fields) >= 3 and fields[2].isdigit():
                    values.append(int(fields[2]) / 1000.0)
    values.sort()

    def pct(p):
        return round(values[min(len(values) - 1, int(p / 100.0 * len(values)))], 2) if values else None

    return {"count": len(values), "p50_ms": pct(50), "p99_ms": pct(99), "max_ms": round(values[-1], 2) if values else None}


def explain_entries(path, first_line):
    with open(path, errors="replace") as f:
        lines = f.readlines()[first_line:]
    entries, current = [], None
    for line in lines:
        if re.match(r"\d{4}-\d\d-\d\d ", line):  # a new log entry
            current = [line] if "duration:" in line and "plan:" in line else None
            if current is not None:
                entries.append(current)
        elif current is not None:
            current.append(line)
    return entries


def plan(path, first_line):
    for entry in explain_entries(path, first_line):
        if any("WITH activity_range" in line for line in entry):
            duration = re.search(r"duration: ([0-9.]+) ms", entry[0]).group(1)
            return duration + "\n" + "".join(entry[1:])
    return "n/a\n"


def statements(path, first_line):
    timed = []
    for entry in explain_entries(path, first_line):
        duration = float(re.search(r"duration: ([0-9.]+) ms", entry[0]).group(1))
        text = "".join(entry[1:])
        query = re.search(r"Query Text:\s*(.*?)\n", text)
        first = query.group(1).strip() if query and query.group(1).strip() else "?"
        if first in ("?", "WITH", "SELECT") and query:  # the statement's first line says little
            rest = text[query.end():].split("\n")
            first = " ".join([first] + [r.strip() for r in rest[:2]])
        timed.append((duration, first[:110], text))
    by = {}
    for duration, first, _ in timed:
        n, total, worst = by.get(first, (0, 0.0, 0.0))
        by[first] = (n + 1, total + duration, max(worst, duration))
    out = ["count  total_ms  worst_ms  statement"]
    for first, (n, total, worst) in sorted(by.items(), key=lambda kv: -kv[1][1]):
        out.append(f"{n:5d} {total:9.1f} {worst:9.1f}  {first}")
    out.append("")
    for duration, _, text in sorted(timed, key=lambda t: -t[0]):
        out.append(f"---- {duration} ms")
        out.append(text.rstrip())
    return "\n".join(out) + "\n"


def progress(path):
    rows = []
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) == 5:
                rows.append([float(fields[0]), float(fields[1])] + [int(x) for x in fields[2:]])
    # the sample at which each batch count was first seen
    firsts = {}
    for at, started, batches, examined, sent in rows:
        firsts.setdefault(batches, (at - started, examined, sent))
    seen = sorted(b for b in firsts if b > 0)
    if not seen:
        return {"samples": len(rows), "batches": 0}
    gaps = [round(firsts[b][0] - firsts[a][0], 2) for a, b in zip(seen, seen[1:])]
    return {"samples": len(rows), "batches": seen[-1], "first_batch_s": round(firsts[seen[0]][0], 2),
            "batch_gaps_s": gaps, "median_gap_s": sorted(gaps)[len(gaps) // 2] if gaps else None}


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "rate":
        print(json.dumps(rate(sys.argv[2], float(sys.argv[3]))))
    elif len(sys.argv) >= 4 and sys.argv[1] == "plan":
        sys.stdout.write(plan(sys.argv[2], int(sys.argv[3])))
    elif len(sys.argv) >= 4 and sys.argv[1] == "statements":
        sys.stdout.write(statements(sys.argv[2], int(sys.argv[3])))
    elif len(sys.argv) >= 3 and sys.argv[1] == "progress":
        print(json.dumps(progress(sys.argv[2])))
    elif len(sys.argv) >= 3 and sys.argv[1] == "latency":
        print(json.dumps(latency(sys.argv[2:])))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
