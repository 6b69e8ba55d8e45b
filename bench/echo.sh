#!/usr/bin/env bash
# The echo benchmark, every number in one run: Netty 4.2's echo example and netsvc's echo-blocking,
# echo-selector and echo-async, one server at a time, the server pinned to core 0 and the load
# generator (netsvc bench echo) to core 1. For each server: request/response rate on 1 and on 100
# connections of 64-byte messages, bulk throughput on one connection (1 MiB messages), memory per
# idle connection with 10,000 connections open (on a freshly started server), and the system calls it
# makes per message (perf stat, if perf is installed and allowed). Writes the "Echo" section of
# docs/benchmarks.md and docs/echo-bench.svg; raw outputs stay in bench/target/echo/.
#
#   bench/echo.sh                                   # the full run, about 7 minutes
#   DURATION=3s WARMUP=1s IDLE=2000 bench/echo.sh   # a quick look
#   SERVERS="netty echo-selector" bench/echo.sh     # a subset (the first server is the peer for ratios)
#   ONLY=idle SERVERS="netty echo-blocking" bench/echo.sh   # memory per idle connection alone, with a class
#                                                  # histogram per server (what each connection holds);
#                                                  # docs/benchmarks.md is left as it is
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
ONLY=${ONLY:-}
JVM_OPTS=${JVM_OPTS:-"-Xms512m -Xmx512m -XX:+AlwaysPreTouch"}
SYSCALL_MESSAGES=${SYSCALL_MESSAGES:-300000}
# echo-blocking and echo-async hold one read buffer per connection, up to buffer-size (256k by default,
# within the shared buffer-budget): their bulk run is repeated with this smaller cap, to show its cost
ALT_BUFFER=${ALT_BUFFER:-64k}
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

# start_server NAME [--set KEY=VALUE ...]
start_server() {
    local name=$1 log=$out/$1.server.log
    shift
    if [ "$name" = netty ]; then
        taskset -c "$SERVER_CORE" "$java" $JVM_OPTS -cp "$cp" dev.netsvc.bench.echo.NettyEchoServer 0 >"$log" 2>&1 &
        server_pid=$!
        port=$(await_line "$log" 'listening on' | sed 's/.*://')
    else
        NETSVC_JAVA_OPTS="$JVM_OPTS" taskset -c "$SERVER_CORE" "$dist/bin/netsvc" run --enable "$name" \
            --set "$name.port=0" "$@" >"$log" 2>&1 &
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

# warm NAME: a short load on a fresh server, so its code is compiled and its pools are what they are
# under load, the same for every server
warm() {
    taskset -c "$CLIENT_CORE" "$dist/bin/netsvc" bench echo "127.0.0.1:$port" --connections 100 --size 64 \
        --duration 2s >/dev/null 2>&1
}

# open_idle NAME: opens $IDLE connections that each echo one byte and then stay idle (held open until
# close_idle); returns once all of them have echoed.
open_idle() {
    local name=$1 fifo=$out/idle.fifo
    rm -f "$fifo"; mkfifo "$fifo"
    taskset -c "$CLIENT_CORE" "$java" -cp "$cp" dev.netsvc.bench.echo.IdleConnections 127.0.0.1 "$port" "$IDLE" \
        <"$fifo" >"$out/$name.idle.txt" 2>&1 &
    idle_pid=$!
    exec 3>"$fifo"   # holds the connections open until closed
    for _ in $(seq 1800); do
        grep -q '^ready' "$out/$name.idle.txt" && return 0
        kill -0 "$idle_pid" 2>/dev/null || { cat "$out/$name.idle.txt" >&2; return 1; }
        sleep 0.1
    done
    return 1
}

# close_idle: closes the connections of open_idle and waits until the server has let go of them.
close_idle() {
    exec 3>&-
    wait "$idle_pid" || true
    idle_pid=""
    for _ in $(seq 300); do
        [ "$(ss -Htn state established "( sport = :$port )" | wc -l)" -eq 0 ] && return 0
        sleep 0.1
    done
}

# idle NAME: memory per idle connection with $IDLE connections open. A first round opens and closes
# as many, so that what is measured is the connections, not the JIT compiling the code that sets
# them up or the server's tables growing for the first time.
idle() {
    local name=$1 h0 r0 h1 r1
    open_idle "$name" && close_idle
    "$jcmd" "$server_pid" GC.run >/dev/null
    h0=$(heap_kib "$server_pid"); r0=$(rss_kib "$server_pid")
    "$jcmd" "$server_pid" GC.class_histogram >"$out/$name.histogram0.txt"
    open_idle "$name"
    "$jcmd" "$server_pid" GC.run >/dev/null
    h1=$(heap_kib "$server_pid"); r1=$(rss_kib "$server_pid")
    "$jcmd" "$server_pid" GC.class_histogram >"$out/$name.histogram1.txt"
    close_idle
    local heap=$(( (h1 - h0) * 1024 / IDLE )) outside=$(( (r1 - r0) * 1024 / IDLE ))
    # resident memory the first round left behind may be handed back meanwhile: never count below zero
    [ "$outside" -lt 0 ] && outside=0
    say "$name idle: $heap B heap + $outside B outside the heap per connection"
    record "$name" idle_heap "$heap"
    record "$name" idle_native "$outside"
    record "$name" idle_total $(( heap + outside ))
}

# syscalls NAME: system calls the server makes per message, 100 connections of 64-byte messages
syscalls() {
    local name=$1 counts=$out/$1.syscalls.csv events=raw_syscalls:sys_enter
    for call in read write epoll_wait epoll_ctl futex; do
        events=$events,syscalls:sys_enter_$call
    done
    perf stat -x, -e "$events" -p "$server_pid" -o "$counts" &
    local perf_pid=$!
    sleep 1 # perf attaches to every thread of the server
    taskset -c "$CLIENT_CORE" "$dist/bin/netsvc" bench echo "127.0.0.1:$port" --connections 100 --size 64 \
        --messages "$SYSCALL_MESSAGES" >"$out/$name.syscalls.txt" 2>/dev/null
    kill -INT "$perf_pid"
    wait "$perf_pid" || true
    while IFS=, read -r count _ event _; do
        case $event in
            raw_syscalls:sys_enter) record "$name" sys_total "$(awk -v c="$count" -v n="$SYSCALL_MESSAGES" 'BEGIN{printf "%.2f", c / n}')" ;;
            syscalls:sys_enter_*) record "$name" "sys_${event#syscalls:sys_enter_}" "$(awk -v c="$count" -v n="$SYSCALL_MESSAGES" 'BEGIN{printf "%.2f", c / n}')" ;;
        esac
    done <"$counts"
    say "$name: $(grep sys_total "$results" | grep "^$name," | cut -d, -f3) system calls per message"
}

can_count_syscalls=""
if command -v perf >/dev/null 2>&1 && perf stat -e raw_syscalls:sys_enter true >/dev/null 2>&1; then
    can_count_syscalls=1
else
    say "perf cannot count system calls here: skipping that part"
fi

{
    echo "date=$(date -u +%Y-%m-%d)"
    echo "cpu=$(nproc) cores of $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
    echo "kernel=Linux $(uname -r)"
    echo "java=$("$java" -version 2>&1 | head -n 1 | sed 's/.*"\(.*\)".*/\1/')"
    echo "jvm=$JVM_OPTS"
    echo "warmup=$WARMUP"
    echo "duration=$DURATION"
    echo "idle=$(echo "$IDLE" | sed -e :a -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta')"
    echo "alt-buffer=$ALT_BUFFER"
    echo "syscall-messages=$(echo "$SYSCALL_MESSAGES" | sed -e :a -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta')"
} >"$out/env.txt"

for name in $SERVERS; do
    if [ "$ONLY" != idle ]; then
        start_server "$name"
        load "$name" rr1 1 64
        load "$name" rr100 100 64
        load "$name" bulk 1 "$BULK_SIZE"
        stop_server
        case $name in
            echo-blocking|echo-async)
                start_server "$name" --set "$name.buffer-size=$ALT_BUFFER"
                load "$name" bulkalt 1 "$BULK_SIZE"
                stop_server ;;
        esac
    fi
    start_server "$name"
    warm
    idle "$name"
    stop_server
    if [ -n "$can_count_syscalls" ] && [ "$ONLY" != idle ]; then
        start_server "$name"
        warm
        syscalls "$name"
        stop_server
    fi
done
if [ "$ONLY" = idle ]; then
    # bytes per connection by class: what the heap gained with the idle connections open
    for name in $SERVERS; do
        say "$name: bytes per idle connection by class (top 12)"
        awk -v n="$IDLE" 'FNR == NR { if ($1 ~ /:$/) before[$4] = $3; next }
                          $1 ~ /:$/ { d = ($3 - before[$4]) / n; if (d >= 8) printf "%8.0f  %s\n", d, $4 }' \
            "$out/$name.histogram0.txt" "$out/$name.histogram1.txt" | sort -rn | head -n 12 >&2
    done
    exit 0
fi

"$java" -cp "$cp" dev.netsvc.bench.echo.EchoReport "$results" "$out/env.txt" "$root/docs/echo-bench.svg" \
    >"$out/echo-section.md"
awk -v section="$out/echo-section.md" '
    /<!-- echo:begin -->/ { print; while ((getline line < section) > 0) print line; skip = 1; next }
    /<!-- echo:end -->/   { skip = 0 }
    !skip                 { print }
' "$root/docs/benchmarks.md" >"$out/benchmarks.md"
cp "$out/benchmarks.md" "$root/docs/benchmarks.md"
say "wrote docs/benchmarks.md (Echo section) and docs/echo-bench.svg; raw outputs in $out"
