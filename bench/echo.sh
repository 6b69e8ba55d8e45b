#!/usr/bin/env bash
# The echo benchmark, every number in one run: Netty 4.2's echo example and netsvc's echo-blocking,
# echo-selector and echo-async, one server at a time, the server pinned to core 0 and the load
# generator (netsvc bench echo) to core 1. For each server: request/response rate on 1 and on 100
# connections of 64-byte messages, bulk throughput on one connection (1 MiB messages), and memory per
# idle connection with 10,000 connections open. Writes the "Echo" section of docs/benchmarks.md and
# docs/echo-bench.svg; raw outputs stay in bench/target/echo/.
#
#   bench/echo.sh                                   # the full run, about 5 minutes
#   DURATION=3s WARMUP=1s IDLE=2000 bench/echo.sh   # a quick look
#   SERVERS="netty echo-selector" bench/echo.sh     # a subset (the first server is the peer for ratios)
#
# Runs under flock /tmp/netsvc-bench.lock, so two benchmarks never overlap. Builds first unless
# NETSVC_NO_BUILD=1.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd -P)
if [ -z "${NETSVC_BENCH_LOCKED:-}" ]; then
    export NETSVC_BENCH_LOCKED=1
    exec flock /tmp/netsvc-bench.lock "$0" "$@"
fi

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
IDLE=${IDLE:-10000}
BULK_SIZE=${BULK_SIZE:-1m}
SERVERS=${SERVERS:-"netty echo-blocking echo-selector echo-async"}
JVM_OPTS=${JVM_OPTS:-"-Xms512m -Xmx512m -XX:+AlwaysPreTouch"}
SERVER_CORE=${SERVER_CORE:-0}
CLIENT_CORE=${CLIENT_CORE:-1}

# One JDK for every process: JAVA_HOME if set, else the newest under /usr/lib/jvm.
if [ -z "${JAVA_HOME:-}" ]; then
    JAVA_HOME=$(for j in /usr/lib/jvm/*/bin/java; do
                    v=$("$j" -version 2>&1 | sed -n '1s/^[^"]*"\([0-9]*\).*/\1/p')
                    [ -n "$v" ] && echo "$v $(dirname "$(dirname "$j")")"
                done | sort -rn | head -n 1 | cut -d' ' -f2)
fi
export JAVA_HOME
java=$JAVA_HOME/bin/java
jcmd=$JAVA_HOME/bin/jcmd

if [ -z "${NETSVC_NO_BUILD:-}" ]; then
    (cd "$root" && mvn -q -DskipTests package)
fi
dist=$(find "$root/dist/target" -maxdepth 1 -type d -name 'netsvc-*' | head -n 1)
cp="$root/bench/target/classes:$root/bench/target/lib/*"
out=$root/bench/target/echo
rm -rf "$out"
mkdir -p "$out"
results=$out/results.csv
: >"$results"

server_pid=""
idle_pid=""
cleanup() {
    [ -n "$idle_pid" ] && kill "$idle_pid" 2>/dev/null || true
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
}
trap cleanup EXIT

say() { echo "echo bench: $*" >&2; }

# Waits (up to 60 s) for a line matching $2 in file $1 and prints it.
await_line() {
    for _ in $(seq 600); do
        if line=$(grep -m 1 -E "$2" "$1"); then
            echo "$line"
            return 0
        fi
        sleep 0.1
    done
    say "no line /$2/ in $1:"; cat "$1" >&2
    return 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }          # user + system, in 1/100 s
rss_kib() { awk '/^VmRSS:/{print $2}' "/proc/$1/status"; }
# heap in use: the sum over the generations (one line for G1; young + old for the serial collector,
# which the JVM picks when pinned to one core)
heap_kib() {
    "$jcmd" "$1" GC.heap_info | awk '/total/ && match($0, /used [0-9]+K/) { s += substr($0, RSTART + 5, RLENGTH - 6) }
                                     END { print s + 0 }'
}
now() { date +%s.%N; }
record() { echo "$1,$2,$3" >>"$results"; }

start_server() {
    local name=$1 log=$out/$1.server.log
    if [ "$name" = netty ]; then
        taskset -c "$SERVER_CORE" "$java" $JVM_OPTS -cp "$cp" dev.netsvc.bench.echo.NettyEchoServer 0 >"$log" 2>&1 &
        server_pid=$!
        port=$(await_line "$log" 'listening on' | sed 's/.*://')
    else
        NETSVC_JAVA_OPTS="$JVM_OPTS" taskset -c "$SERVER_CORE" "$dist/bin/netsvc" run --enable "$name" \
            --set "$name.port=0" >"$log" 2>&1 &
        server_pid=$!
        await_line "$log" 'netsvc ready' >/dev/null
        port=$(await_line "$log" "$name listening on tcp" | sed 's/.*://')
    fi
    say "$name: pid $server_pid, port $port"
}

stop_server() {
    kill -TERM "$server_pid"
    wait "$server_pid" || true
    server_pid=""
}

# load NAME LABEL CONNECTIONS SIZE: one bench run; records rate, latency and both sides' CPU.
load() {
    local name=$1 label=$2 report=$out/$1.$2.txt t0 t1 c0 c1
    t0=$(now); c0=$(cpu_ticks "$server_pid")
    taskset -c "$CLIENT_CORE" "$dist/bin/netsvc" bench echo "127.0.0.1:$port" --connections "$3" --size "$4" \
        --duration "$DURATION" --warmup "$WARMUP" >"$report" 2>"$out/$1.$2.err"
    t1=$(now); c1=$(cpu_ticks "$server_pid")
    say "$name $label: $(grep -E '^(messages/s|MiB/s):' "$report" | tr '\n' ' ')"
    record "$name" "${label}_rate" "$(awk '/^messages\/s:/{print $2}' "$report")"
    record "$name" "${label}_mibs" "$(awk '/^MiB\/s:/{print $2}' "$report")"
    read -r p50 p99 p999 < <(sed -n 's/^latency: *p50 \([0-9.]*\) ms *p99 \([0-9.]*\) ms *p99.9 \([0-9.]*\) ms.*/\1 \2 \3/p' "$report")
    record "$name" "${label}_p50" "$p50"
    record "$name" "${label}_p99" "$p99"
    record "$name" "${label}_p999" "$p999"
    record "$name" "${label}_client_cpu" "$(awk '/^client cpu:/{print $3}' "$report")"
    # the server's CPU over the whole client run (its JVM start included, so slightly low)
    record "$name" "${label}_server_cpu" "$(echo "$c0 $c1 $t0 $t1" | awk '{printf "%.2f", ($2 - $1) / 100 / ($4 - $3)}')"
}

# idle NAME: memory per idle connection with $IDLE connections open.
idle() {
    local name=$1 fifo=$out/idle.fifo h0 r0 h1 r1
    "$jcmd" "$server_pid" GC.run >/dev/null
    h0=$(heap_kib "$server_pid"); r0=$(rss_kib "$server_pid")
    rm -f "$fifo"; mkfifo "$fifo"
    taskset -c "$CLIENT_CORE" "$java" -cp "$cp" dev.netsvc.bench.echo.IdleConnections 127.0.0.1 "$port" "$IDLE" \
        <"$fifo" >"$out/$name.idle.txt" 2>&1 &
    idle_pid=$!
    exec 3>"$fifo"   # holds the connections open until closed
    for _ in $(seq 1800); do
        grep -q '^ready' "$out/$name.idle.txt" && break
        kill -0 "$idle_pid" 2>/dev/null || { cat "$out/$name.idle.txt" >&2; return 1; }
        sleep 0.1
    done
    "$jcmd" "$server_pid" GC.run >/dev/null
    h1=$(heap_kib "$server_pid"); r1=$(rss_kib "$server_pid")
    exec 3>&-
    wait "$idle_pid" || true
    idle_pid=""
    say "$name idle: heap $h0 -> $h1 KiB, resident $r0 -> $r1 KiB"
    local heap=$(( (h1 - h0) * 1024 / IDLE )) outside=$(( (r1 - r0) * 1024 / IDLE ))
    say "$name idle: $heap B heap + $outside B outside the heap per connection"
    record "$name" idle_heap "$heap"
    record "$name" idle_native "$outside"
    record "$name" idle_total $(( heap + outside ))
}

{
    echo "date=$(date -u +%Y-%m-%d)"
    echo "cpu=$(nproc) cores of $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
    echo "kernel=Linux $(uname -r)"
    echo "java=$("$java" -version 2>&1 | head -n 1 | sed 's/.*"\(.*\)".*/\1/')"
    echo "jvm=$JVM_OPTS"
    echo "warmup=$WARMUP"
    echo "duration=$DURATION"
    echo "idle=$(printf "%'d" "$IDLE" 2>/dev/null || echo "$IDLE")"
} >"$out/env.txt"

for name in $SERVERS; do
    start_server "$name"
    load "$name" rr1 1 64
    load "$name" rr100 100 64
    load "$name" bulk 1 "$BULK_SIZE"
    idle "$name"
    stop_server
done

"$java" -cp "$cp" dev.netsvc.bench.echo.EchoReport "$results" "$out/env.txt" "$root/docs/echo-bench.svg" \
    >"$out/echo-section.md"
awk -v section="$out/echo-section.md" '
    /<!-- echo:begin -->/ { print; while ((getline line < section) > 0) print line; skip = 1; next }
    /<!-- echo:end -->/   { skip = 0 }
    !skip                 { print }
' "$root/docs/benchmarks.md" >"$out/benchmarks.md"
cp "$out/benchmarks.md" "$root/docs/benchmarks.md"
say "wrote docs/benchmarks.md (Echo section) and docs/echo-bench.svg; raw outputs in $out"
