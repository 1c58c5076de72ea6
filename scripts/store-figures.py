#!/usr/bin/env python3
"""The message store's figures, LogStore against PostgreSQL, alternated in one sitting.

    scripts/store-figures.py BIN_DIR POSTGRES_DIR [--rounds N] [--duration 8s]

BIN_DIR holds a release imbench (`swift build -c release --show-bin-path`); POSTGRES_DIR is a cluster
started with `scripts/postgres.sh start DIR` (durable: without IM_POSTGRES_DURABLE=off), used by nothing
else while this runs (its processes' CPU is counted as the database's). Each round runs every shape on
both backends, each PostgreSQL run on a new database. Prints one line per run and the medians.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import uuid

SHAPES = {
    "peer w1": ["peer", "--clients", "1000", "--window", "1"],
    "peer w100": ["peer", "--clients", "200", "--window", "100"],
    "group 200": ["group", "--clients", "200", "--senders", "5"],
    "offline": ["offline", "--clients", "200"],
}


def postgres_cpu_seconds(directory):
    """CPU seconds the cluster in `directory` has used: its live processes' own, plus the postmaster's
    reaped children's (backends that already exited)."""
    total = 0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if not os.path.realpath(f"/proc/{pid}/cwd").startswith(directory):
                continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            if int(fields[1]) == 1 or "postgres -D" in open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode():
                total += (int(fields[13]) + int(fields[14])) / tick
        except (FileNotFoundError, PermissionError, ProcessLookupError):
            continue
    return total


def postgres(directory, sql):
    subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-h", directory, "-p", open(f"{directory}/port").read().strip(),
         "-U", "im", "-d", "im", "-qc", sql] if os.getuid() == 0 else
        ["psql", "-h", directory, "-p", open(f"{directory}/port").read().strip(), "-U", "im", "-d", "im", "-qc", sql],
        check=True,
    )


def run(bin_dir, shape, backend, duration, pg_dir):
    report = tempfile.mktemp(suffix=".json")
    arguments = [f"{bin_dir}/imbench", *SHAPES[shape], "--duration", duration, "--progress", "quiet", "--json", report]
    database = None
    if backend == "postgres":
        database = "figures_" + uuid.uuid4().hex[:8]
        postgres(pg_dir, f"CREATE DATABASE {database}")
        url = open(f"{pg_dir}/url").read().strip().replace("/im?", f"/{database}?")
        arguments += ["--postgres", url]
    before = postgres_cpu_seconds(pg_dir)
    subprocess.run(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    database_cpu = postgres_cpu_seconds(pg_dir) - before
    if database:
        postgres(pg_dir, f"DROP DATABASE {database} WITH (FORCE)")
    with open(report) as f:
        data = json.load(f)
    os.unlink(report)
    totals = data["totals"]
    delivered = data["throughput"]["delivered_per_second"]
    messages = data["throughput"]["acked_per_second"]
    acked = max(1, totals.get("acked", totals.get("messages_acked", 0)) or 1)
    server = data["server"]
    return {
        "acked/s": messages,
        "delivered/s": delivered,
        "server µs/msg": server["cpu_seconds"] * 1e6 / acked,
        "db µs/msg": database_cpu * 1e6 / acked,
        "commits": server.get("fsyncs", 0),
        "lost": totals.get("lost", 0),
        "passed": data["outcome"]["passed"],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bin_dir")
    parser.add_argument("pg_dir")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", default="8s")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated, of: " + ", ".join(SHAPES))
    arguments = parser.parse_args()
    pg_dir = os.path.realpath(arguments.pg_dir)
    results = {}
    for round_ in range(arguments.rounds):
        for shape in arguments.shapes.split(","):
            for backend in ("log", "postgres"):
                figures = run(arguments.bin_dir, shape, backend, arguments.duration, pg_dir)
                results.setdefault((shape, backend), []).append(figures)
                print(f"round {round_ + 1} {shape:10} {backend:8} " + "  ".join(
                    f"{k} {v:.0f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()), flush=True)
    print("\nmedians")
    for (shape, backend), runs in results.items():
        print(f"{shape:10} {backend:8} " + "  ".join(
            f"{k} {statistics.median(r[k] for r in runs):.0f}" for k in ("acked/s", "delivered/s", "server µs/msg", "db µs/msg")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
