#!/usr/bin/env bash
# Runs test suites under a sanitizer: ThreadSanitizer (data races) or AddressSanitizer (memory errors,
# leaks off). The build is a whole instrumented debug build in its own scratch directory (.build-thread,
# .build-address): about 20 minutes on two cores the first time, then incremental.
#
#   scripts/sanitize.sh                      ThreadSanitizer over the store and server suites (IMCoreTests)
#   scripts/sanitize.sh address              AddressSanitizer over the same
#   scripts/sanitize.sh thread --filter RE   only the tests whose id matches RE (swift test --filter)
#   scripts/sanitize.sh thread --build-only  build, don't run
#
# With IM_TEST_POSTGRES_URL set (scripts/postgres.sh url DIR), the PostgreSQL adapters' suites run too.
# Exit status: 0 when every test passed and the sanitizer reported nothing, 1 otherwise; each report is
# in the log (.build-SANITIZER/sanitize.log) with the test that was running.
set -euo pipefail
cd "$(dirname "$0")/.."

sanitizer=thread
filter='IMCoreTests'
build_only=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        thread|address) sanitizer="$1" ;;
        --filter) filter="${2:?--filter needs a regular expression}"; shift ;;
        --build-only) build_only=true ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "sanitize.sh: unknown argument '$1' (thread, address, --filter RE, --build-only)" >&2; exit 2 ;;
    esac
    shift
done

scratch=".build-$sanitizer"
log="$scratch/sanitize.log"
reports="$scratch/reports"
mkdir -p "$scratch"
rm -rf "$reports" && mkdir -p "$reports"
# Swift's backtracer would catch the sanitizer's abort first; a report fails the process at the end of the
# run (exitcode) rather than at the first one (halt_on_error=0), so one run shows every report. Every
# process writes its reports to a file of its own in $reports (the tests start imd processes too, whose
# stderr the tests read).
export SWIFT_BACKTRACE=enable=no
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1 log_path=$PWD/$reports/tsan ${TSAN_OPTIONS:-}"
# replace_intrin=0: memcpy/memmove/memset are not checked (loads and stores in our code still are):
# Foundation's Process.run (findMaximumOpenFromProcSelfFD, swift-corelibs-foundation) copies 256 bytes of
# a directory entry past the end of its buffer, and the tests start processes (imd, mount, imctl).
export ASAN_OPTIONS="detect_leaks=0 halt_on_error=1 replace_intrin=0 log_path=$PWD/$reports/asan ${ASAN_OPTIONS:-}"

echo "--- building the tests with -sanitize=$sanitizer in $scratch (progress in $scratch/build.log)"
start=$SECONDS
if ! swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" >"$scratch/build.log" 2>&1; then
    tail -40 "$scratch/build.log"; echo "sanitize.sh: the instrumented build failed" >&2; exit 1
fi
echo "    built in $((SECONDS - start)) s"
$build_only && exit 0

echo "--- swift test --sanitize=$sanitizer --filter '$filter' (log: $log)"
start=$SECONDS
status=0
CI=true swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" --filter "$filter" >"$log" 2>&1 || status=$?
found=$(cat "$reports"/* 2>/dev/null | grep -c "^WARNING: ThreadSanitizer\|ERROR: AddressSanitizer" || true)
grep -E "^(✔|✘) Test run|Test run with" "$log" | tail -2 || true
echo "    $found sanitizer report(s) in $reports, swift test exit status $status, $((SECONDS - start)) s"
if [[ $found -gt 0 ]]; then
    for file in "$reports"/*; do echo "--- $file"; head -60 "$file"; done | head -200
fi
[[ $status -eq 0 && $found -eq 0 ]]
