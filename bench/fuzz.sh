#!/usr/bin/env bash
# Fuzzes every parser with Jazzer: each @FuzzTest runs with fuzzing on (JAZZER_FUZZ=1) for a chosen
# time, at most JOBS at once, under nice -n 19. In a plain `mvn verify` the same tests only replay
# their committed inputs (src/test/resources/<package>/<Class>Inputs/<method>/).
#
#   bench/fuzz.sh                         # every target, 10 minutes each, two at a time
#   bench/fuzz.sh 60                      # one minute each
#   bench/fuzz.sh 600 http-raw:RequestParserFuzzTest#parse core:HostPortFuzzTest#parse
#   bench/fuzz.sh 600 core:HostPortFuzzTest#parse core:ConfigKeyFuzzTest#parse=300   # its own time
#   JOBS=1 bench/fuzz.sh 30               # one at a time
#
# What it leaves in bench/target/fuzz/: one log per target (libFuzzer's statistics), findings/ (the
# inputs that failed a property or crashed), and summary.md, a table of target, seconds fuzzing and in all,
# executions, corpus size and result. Jazzer also writes each finding as crash-* into the target's inputs
# directory in src/test/resources, so `mvn verify` replays it from then on: turn it into a unit test,
# fix the parser, and keep the input. Its growing corpus stays in <module>/.cifuzz-corpus (not
# committed). Builds first unless NETSVC_NO_BUILD=1. Exit status: 0 if nothing was found, 1 otherwise.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd -P)
SECONDS_EACH=${1:-600}
shift || true
JOBS=${JOBS:-2}
HEAP=${HEAP:-1g} # per fuzzing JVM: the machine is shared

ALL_TARGETS=(
    plugins/http-raw:RequestParserFuzzTest#parse
    plugins/http-raw:ChunkedBodyFuzzTest#decode
    plugins/http-raw:ChunkedBodyFuzzTest#encodeDecode
    plugins/http-raw:ResponseReaderFuzzTest#read
    core:HostPortFuzzTest#parse
    core:ProxyHeaderFuzzTest#parse
    core:ClientHelloFuzzTest#receive
    core:ConfigKeyFuzzTest#parse
    core:ReplyDecodingFuzzTest#printable
    launcher:ConfigurationFuzzTest#plan
    plugins/udp-qotd:QuotesFileFuzzTest#parse
    plugins/tcp-time:TimeDecodingFuzzTest#show
)
if [ $# -gt 0 ]; then
    targets=()
    for t in "$@"; do
        case $t in
            */*:*|core:*|launcher:*) targets+=("$t") ;;
            *) targets+=("plugins/$t") ;;
        esac
    done
else
    targets=("${ALL_TARGETS[@]}")
fi

out=$root/bench/target/fuzz
mkdir -p "$out/findings"
cd "$root"

modules=$(for t in "${targets[@]}"; do t=${t%=*}; echo "${t%%:*}"; done | sort -u | paste -sd, -)
if [ -z "${NETSVC_NO_BUILD:-}" ]; then
    echo "building $modules"
    mvn -q -o -pl "$modules" -am test-compile >"$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 2; }
fi

# One target: fuzz it, then keep its log and any finding.
fuzz_one() {
    local seconds=$SECONDS_EACH
    case $1 in *=*) seconds=${1#*=}; set -- "${1%=*}" ;; esac
    local target=$1 module=${1%%:*} test=${1#*:}
    local name=${test//#/.}
    local log=$out/$name.log
    local inputs
    inputs=$(find "$module/src/test/resources" -type d -path "*/${test%%#*}Inputs/${test#*#}" 2>/dev/null | head -n 1)
    local before
    before=$(ls "$inputs" 2>/dev/null | grep -c '^crash-' || true)
    echo "$(date -u +%H:%M:%S) start $target for ${seconds}s"
    local started=$(date +%s) status=0
    JAZZER_FUZZ=1 nice -n 19 mvn -o -q -pl "$module" -am test -Dtest="$test" \
        -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.max_duration="${seconds}s" -Djazzer.hooks=true \
        -DargLine="-Xmx${HEAP}" >"$log" 2>&1 || status=$?
    local took=$(( $(date +%s) - started ))
    local runs fuzzed corpus result
    runs=$(grep -ao 'Done [0-9]* runs' "$log" | tail -n 1 | grep -o '[0-9]*' || true)
    fuzzed=$(grep -ao 'runs in [0-9]* second' "$log" | tail -n 1 | grep -o '[0-9]*' || true)
    [ -n "$runs" ] || runs=$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#' || true)
    corpus=$(ls "$module/.cifuzz-corpus/dev.netsvc."*"${test%%#*}/${test#*#}" 2>/dev/null | wc -l)
    if [ "$status" -eq 0 ]; then
        result="nothing found"
    else
        result="FOUND: $(grep -m 1 -iE '== Java Exception|AssertionFailedError|FuzzerSecurityIssue|libFuzzer: timeout|OutOfMemory' "$log" \
            | sed 's/[|]/\\|/g' | cut -c1-160 || echo "exit $status, see $name.log")"
        if [ -n "$inputs" ]; then
            ls -t "$inputs" | grep '^crash-' | head -n $(( $(ls "$inputs" | grep -c '^crash-') - before )) \
                | while read -r f; do cp "$inputs/$f" "$out/findings/$name-$f"; done || true
        fi
    fi
    printf '| %s | %s | %s | %s | %s | %s |\n' "$test" "${fuzzed:-?}" "$took" "${runs:-?}" "$corpus" "$result" >>"$out/summary.rows"
    echo "$(date -u +%H:%M:%S) done  $target: ${runs:-?} executions in ${took}s, $result"
}

: >"$out/summary.rows"
running=0
for t in "${targets[@]}"; do
    fuzz_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait || true

{
    echo "| fuzz test | seconds fuzzing | seconds in all (with the build) | executions | corpus | result |"
    echo "|---|---:|---:|---:|---:|---|"
    sort "$out/summary.rows"
} >"$out/summary.md"
cat "$out/summary.md"
! grep -q 'FOUND' "$out/summary.rows"
