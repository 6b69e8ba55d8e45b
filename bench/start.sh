#!/bin/sh
# Cold-start benchmark: how long 'bin/netsvc run' (all 7 services, every port 0) takes from exec to its
# 'netsvc ready' line, against the bare JVM ('java -version' ... to exit) and Netty's echo example (to
# its first line). Each of the RUNS rounds starts the three back to back on core 0 (CPUS=0,1: on both
# cores, as a user's start runs); the median of each is reported, and the ratio of the medians. netsvc
# runs with its start cache (the archive of the previous start) unless NETSVC_START_CACHE=off; the
# first, archive-writing start is not counted.
#
# Usage: bench/start.sh [RUNS]            (default 11; CPUS=0,1 bench/start.sh [RUNS] unpinned)
# Needs: 'mvn -DskipTests package' first; taskset. Writes bench/target/start/results.csv.
set -eu
if [ "${NETSVC_BENCH_LOCKED:-}" != 1 ]; then
    NETSVC_BENCH_LOCKED=1 exec flock /tmp/netsvc-bench.lock "$0" "$@"
fi
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${1:-11}
CPUS=${CPUS:-0}
DIST=$(ls -d "$ROOT"/dist/target/netsvc-*/ 2>/dev/null | head -1)
[ -n "$DIST" ] && [ -d "$ROOT/bench/target/lib" ] || { echo "build first: mvn -DskipTests package" >&2; exit 1; }
JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/java}${JAVA_HOME:-$JAVA}
WORK="$ROOT/bench/target/start"
mkdir -p "$WORK"
CP="$ROOT/bench/target/classes:$ROOT/bench/target/lib/*"
PORTS="--set echo-async.port=0 --set echo-blocking.port=0 --set echo-selector.port=0 --set http.port=0
       --set daytime.port=0 --set time.port=0 --set qotd.port=0"

now_ms() { date +%s%3N; }

# time_to_line PATTERN COMMAND...: milliseconds from exec to the first output line matching PATTERN
time_to_line() {
    pattern=$1; shift
    rm -f "$WORK/out"; mkfifo "$WORK/out"
    start=$(now_ms)
    taskset -c "$CPUS" "$@" >"$WORK/out" 2>&1 &
    pid=$!
    if grep -m1 -q "$pattern" "$WORK/out"; then echo $(( $(now_ms) - start )); else echo 0; fi
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -f "$WORK/out"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# shellcheck disable=SC2086
# a first start writes the start cache when it exits: with its output to a file, as the JVM that
# assembles a Java 25 AOT cache dies on the closed pipe time_to_line leaves it
taskset -c "$CPUS" "$DIST/bin/netsvc" run $PORTS >"$WORK/first.log" 2>&1 &
first=$!
i=0
until grep -q "netsvc ready" "$WORK/first.log"; do
    i=$((i + 1))
    { [ $i -lt 600 ] && kill -0 "$first" 2>/dev/null; } || { cat "$WORK/first.log" >&2; exit 1; }
    sleep 0.1
done
kill "$first"; wait "$first" || true
: > "$WORK/netsvc"; : > "$WORK/jvm"; : > "$WORK/netty"
i=0
while [ $i -lt "$RUNS" ]; do
    # shellcheck disable=SC2086
    time_to_line "netsvc ready" "$DIST/bin/netsvc" run $PORTS >> "$WORK/netsvc"
    time_to_line "version" "$JAVA" -version >> "$WORK/jvm"
    time_to_line "." "$JAVA" -cp "$CP" dev.netsvc.bench.echo.NettyEchoServer 0 >> "$WORK/netty"
    i=$((i + 1))
done
n=$(median < "$WORK/netsvc"); j=$(median < "$WORK/jvm"); e=$(median < "$WORK/netty")
echo "what,median_ms,runs" > "$WORK/results.csv"
echo "netsvc run (7 services),$n,$(tr '\n' ' ' < "$WORK/netsvc")" >> "$WORK/results.csv"
echo "bare JVM (java -version),$j,$(tr '\n' ' ' < "$WORK/jvm")" >> "$WORK/results.csv"
echo "Netty echo example,$e,$(tr '\n' ' ' < "$WORK/netty")" >> "$WORK/results.csv"
cat "$WORK/results.csv"
awk -v n="$n" -v e="$e" 'BEGIN {printf "netsvc / Netty echo: %.2f\n", n / e}'
