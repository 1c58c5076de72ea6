#!/usr/bin/env bash
# Two imbench builds (before and after a change) on the same shapes, alternated over two rounds in one
# sitting, so machine noise hits both alike. Each line: delivered msg/s, ACK p99, lost, and the embedded
# server's CPU per delivered message (steadier across noisy days than rates).
# Usage: scripts/compare-builds.sh BEFORE/imbench AFTER/imbench   (release builds; run nothing else meanwhile)
set -u
[ $# -eq 2 ] || { echo "usage: $0 BEFORE_IMBENCH AFTER_IMBENCH" >&2; exit 2; }
declare -A bins=([before]=$1 [after]=$2)
j=$(mktemp -d)
fig() { python3 - "$1" <<'PY'
import json,sys
d=json.load(open(sys.argv[1])); t=d["throughput"]; o=d["operations"]; tot=d["totals"]
def p99(k):
    return "%.2fms" % (o[k]["p99_us"]/1000) if k in o else "-"
srv=d.get("server") or {}
gen=d["generator"]["cpu_percent"]; scpu=srv.get("cpu_percent")
rate=t.get("delivered_per_second",0)
per = ("%.1fus" % (scpu*10000/rate)) if scpu is not None and rate else "-"
print("acked/s=%.0f delivered/s=%.0f ack_p99=%s lost=%s gen_cpu=%.0f%% srv_cpu=%s srv_cpu_per_delivered=%s" % (
  t.get("acked_per_second",0), rate, p99("ack"), tot.get("lost"), gen, ("%.0f%%" % scpu) if scpu is not None else "-", per))
PY
}
run() { local name=$1 bin=$2; shift 2; timeout 120 "$bin" "$@" --progress quiet --json "$j/$name.json" >"$j/$name.txt" 2>&1; echo "$name rc=$? load=$(cut -d' ' -f1 /proc/loadavg) $(fig "$j/$name.json" 2>/dev/null || tail -1 "$j/$name.txt")"; }
# The order flips each round: what runs second meets a warmer, often busier machine.
for round in 1 2; do
  order="before after"; [ "$round" = 2 ] && order="after before"
  for b in $order; do
    B=${bins[$b]}
    run "$b-interval-w1-r$round" $B --fsync interval --clients 20 --window 1 --duration 6s --warmup 1s --threads 1
    run "$b-batch-w1-r$round" $B --fsync batch --clients 20 --window 1 --duration 6s --warmup 1s --threads 1
    run "$b-batch-w100-r$round" $B --fsync batch --clients 20 --window 100 --duration 6s --warmup 1s --threads 1
    run "$b-group500-r$round" $B group --clients 500 --senders 10 --duration 8s --warmup 1s --threads 1
  done
done
echo "json in $j"
