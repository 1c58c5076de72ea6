#!/usr/bin/env bash
# Builds the libFuzzer fuzzers (Fuzz/) and runs each for a while; exits 1 if any of them found a crash.
#
#   scripts/fuzz.sh                      every fuzzer for 60 s each (CI: --time 10)
#   scripts/fuzz.sh --time 4h frames     one fuzzer for hours (s, m, h)
#   scripts/fuzz.sh --jobs 2 websocket   two processes on one fuzzer (libFuzzer -fork)
#   scripts/fuzz.sh --list               the fuzzers and what each reads
#
# Fuzzers: frames (the frame reader, whole vs. split reads), bodies (every body decoder in every
# version, and each decoded value encoded back), websocket (RFC 6455 framing, both roles), admin (every
# admin endpoint's request and reply), config (imd's config file: the TOML parser, and each value rendered
# and read back).
#
# Seeds are Fuzz/Corpus/<Fuzzer>/ (committed); what a run discovers goes to .build-fuzz/corpus/<Fuzzer>/
# and is kept for the next run. A crash leaves its input in .build-fuzz/crashes/; replay it with
#   .build-fuzz/release/<Fuzzer> .build-fuzz/crashes/<file>
# and, once fixed, add it to Fuzz/Corpus/<Fuzzer>/ and as a regression test beside the decoder's tests.
# The build is its own (.build-fuzz, release, Swift code instrumented for libFuzzer and AddressSanitizer).
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A FUZZERS=(
    [frames]=FuzzFrames [bodies]=FuzzBodies [websocket]=FuzzWebSocket [admin]=FuzzAdminRequests
    [config]=FuzzConfig
)
ORDER=(frames bodies websocket admin config)
time_spec=60
jobs=1
build_only=false
selected=()

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }

seconds() {
    local spec="$1"
    case "$spec" in
        *h) echo $(( ${spec%h} * 3600 )) ;;
        *m) echo $(( ${spec%m} * 60 )) ;;
        *s) echo "${spec%s}" ;;
        *) echo "$spec" ;;
    esac
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --time) time_spec="${2:?--time needs a duration}"; shift 2 ;;
        --jobs) jobs="${2:?--jobs needs a number}"; shift 2 ;;
        --build-only) build_only=true; shift ;;
        --list) for name in "${ORDER[@]}"; do echo "$name -> Fuzz/${FUZZERS[$name]}"; done; exit 0 ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *)
            [[ -n "${FUZZERS[$1]:-}" ]] || { echo "fuzz.sh: unknown fuzzer '$1'; one of: ${ORDER[*]}" >&2; exit 2; }
            selected+=("$1"); shift ;;
    esac
done
[[ ${#selected[@]} -gt 0 ]] || selected=("${ORDER[@]}")
total="$(seconds "$time_spec")"
[[ "$total" =~ ^[0-9]+$ && "$total" -gt 0 ]] || { echo "fuzz.sh: --time '$time_spec' is not a duration like 60, 90s, 10m or 4h" >&2; exit 2; }
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: --jobs '$jobs' is not a positive number" >&2; exit 2; }

build=(swift build -c release --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
for name in "${selected[@]}"; do
    echo "--- building ${FUZZERS[$name]}"
    IM_FUZZ=1 "${build[@]}" --product "${FUZZERS[$name]}"
done
$build_only && exit 0
BIN="$(IM_FUZZ=1 "${build[@]}" --show-bin-path)"

mkdir -p .build-fuzz/crashes
failed=()
printf '%-10s %10s %8s %8s  %s\n' FUZZER RUNS COVERAGE CORPUS RESULT > .build-fuzz/summary.txt
for name in "${selected[@]}"; do
    fuzzer="${FUZZERS[$name]}"
    corpus=".build-fuzz/corpus/$fuzzer"
    log=".build-fuzz/$fuzzer.log"
    mkdir -p "$corpus"
    echo "--- $name ($fuzzer) for ${total}s; progress every 10 s, full log in $log"
    options=(-max_total_time="$total" -print_final_stats=1 -artifact_prefix=".build-fuzz/crashes/$fuzzer-"
        -timeout=10 -rss_limit_mb=2048 -max_len=70000)
    [[ "$jobs" -gt 1 ]] && options+=(-fork="$jobs" -ignore_crashes=0)
    status=0
    # libFuzzer reports on stderr; keep its pulses (every power of two runs) and the outcome visible.
    # Swift's own backtracer would handle the crash first (and trip AddressSanitizer doing it).
    SWIFT_BACKTRACE=enable=no LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp" "$BIN/$fuzzer" "${options[@]}" "$corpus" "Fuzz/Corpus/$fuzzer" >"$log" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        sleep 10
        last="$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)"
        [[ -n "$last" ]] && echo "  $name: $last"
    done
    wait "$pid" || status=$?
    runs="$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')"
    coverage="$(grep -E '^#[0-9]+' "$log" | tail -n 1 | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+' || echo '?')"
    size="$(find "$corpus" -type f | wc -l)"
    if [[ "$status" -eq 0 ]]; then
        result=ok
    else
        artifact="$(grep -oE "Test unit written to [^ ]+" "$log" | tail -n 1 | sed 's/Test unit written to //' || true)"
        result="CRASH (exit $status) ${artifact:-see $log}"
        failed+=("$name")
        grep -E 'Fatal error|Precondition failed|ERROR: AddressSanitizer|ERROR: libFuzzer|SUMMARY|in \$s' "$log" | head -n 8 | sed 's/^/  /'
    fi
    printf '%-10s %10s %8s %8s  %s\n' "$name" "$runs" "$coverage" "$size" "$result" >> .build-fuzz/summary.txt
done
echo "--- summary"
cat .build-fuzz/summary.txt
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz.sh: crashes in: ${failed[*]} (inputs in .build-fuzz/crashes/)" >&2
    exit 1
fi
