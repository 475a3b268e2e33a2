#!/usr/bin/env python3
"""Figures from the benchmark's raw data (stdlib only).

  analyze.py rate ARRIVALS_FILE LIMIT      arrival times (microseconds, one per line) -> JSON:
                                           count, busiest sliding 1-second window, average rate
  analyze.py latency PGBENCH_LOG...        pgbench -l logs -> JSON: count, p50, p99, max (ms)
  analyze.py plan SERVER_LOG FIRST_LINE    the auto_explain entry of the candidate query logged
                                           from that line on: its duration (ms) on the first line
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


def plan(path, first_line):
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
    for entry in entries:
        if any("WITH activity_range" in line for line in entry):
            duration = re.search(r"duration: ([0-9.]+) ms", entry[0]).group(1)
            return duration + "\n" + "".join(entry[1:])
    return "n/a\n"


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "rate":
        print(json.dumps(rate(sys.argv[2], float(sys.argv[3]))))
    elif len(sys.argv) >= 4 and sys.argv[1] == "plan":
        sys.stdout.write(plan(sys.argv[2], int(sys.argv[3])))
    elif len(sys.argv) >= 3 and sys.argv[1] == "latency":
        print(json.dumps(latency(sys.argv[2:])))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
