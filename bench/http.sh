#!/bin/sh
# HTTP benchmark, one command for every number in the HTTP section of docs/benchmarks.md:
#   wrk keep-alive, 64 connections, one thread, against
#     http-raw (selector transport, the default), http-raw (blocking transport),
#     Netty 4.2's HTTP codec, the JDK HttpServer on virtual threads, and nginx with one worker,
#   all serving the same file, one after another in one run; every server is pinned to core 0 and wrk
#   to core 1. Each server gets a warm-up, then ROUNDS measured runs (default 3 x 10 s); the median
#   run is reported, so one disturbed run (the machine is shared) does not decide the result. Writes bench/target/http/results.csv, prints the table, and with --write updates the
#   HTTP section of docs/benchmarks.md and docs/benchmarks-http.svg.
#
# Usage: bench/http.sh [--write] [--duration SECONDS] [--warmup SECONDS] [--rounds N] [--file PATH]
#                      [--only selector,blocking,netty,jdk,nginx]   (a subset, for quick comparisons;
#                       add selector-log for http-raw with its access log on, written to a file,
#                       and memory for http-raw's heap per idle keep-alive connection, both transports)
# Needs: 'mvn -DskipTests package' first (the distribution and bench/target/lib); wrk, nginx, taskset, flock, curl.
set -eu

# one benchmark at a time on this machine, whoever runs it
if [ "${NETSVC_BENCH_LOCKED:-}" != 1 ]; then
    NETSVC_BENCH_LOCKED=1 exec flock /tmp/netsvc-bench.lock "$0" "$@"
fi

cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=10
WARMUP=5
ROUNDS=3
FILE="$ROOT/dist/src/www/index.html"
WRITE=0
ONLY=selector,blocking,netty,jdk,nginx
while [ $# -gt 0 ]; do
    case $1 in
        --write) WRITE=1 ;;
        --duration) DURATION=$2; shift ;;
        --warmup) WARMUP=$2; shift ;;
        --rounds) ROUNDS=$2; shift ;;
        --file) FILE=$2; shift ;;
        --only) ONLY=$2; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

DIST=$(ls -d "$ROOT"/dist/target/netsvc-*/ 2>/dev/null | head -1)
# the peers run on the Java that bin/netsvc picks: JAVA_HOME, else the newest under /usr/lib/jvm
java_major() { "$1" -version 2>&1 | sed -n '1s/^[^"]*"\([0-9][0-9]*\).*/\1/p'; }
JAVA=""
for candidate in ${JAVA_HOME:+$JAVA_HOME/bin/java} $(for j in /usr/lib/jvm/*/bin/java; do
        echo "$(java_major "$j") $j"; done | sort -rn | cut -d' ' -f2); do
    if [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then JAVA=$candidate; break; fi
done
[ -n "$JAVA" ] || { echo "no Java 21+ found" >&2; exit 1; }
[ -n "$DIST" ] && [ -d "$ROOT/bench/target/lib" ] || { echo "build first: mvn -DskipTests package" >&2; exit 1; }
for tool in wrk nginx taskset curl; do
    command -v $tool >/dev/null 2>&1 || [ -x /usr/sbin/$tool ] || { echo "$tool is not installed" >&2; exit 1; }
done

WORK="$ROOT/bench/target/http"
rm -rf "$WORK" && mkdir -p "$WORK/www" "$WORK/nginx"
NAME=$(basename "$FILE")
cp "$FILE" "$WORK/www/$NAME"
URL_PATH="/$NAME"
RESULTS="$WORK/results.csv"
echo "server,requests_per_second,latency_p50,latency_p99,errors" > "$RESULTS"
CP="$ROOT/bench/target/classes:$ROOT/bench/target/lib/*"

free_port() {
    while :; do
        port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 20000 ))
        [ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ] && { echo $port; return; }
    done
}

await_port() { # port; fails after 30 s
    i=0
    until curl -s -o /dev/null "http://127.0.0.1:$1$URL_PATH"; do
        i=$((i + 1)); [ $i -lt 300 ] || { echo "server on port $1 did not come up" >&2; return 1; }
        sleep 0.1
    done
}

# measure NAME PORT: warm up, then ROUNDS measured wrk runs; appends the median run as a CSV row
measure() {
    taskset -c 1 wrk -t1 -c64 -d"${WARMUP}s" "http://127.0.0.1:$2$URL_PATH" >/dev/null
    : > "$WORK/rounds"
    round=0
    while [ $round -lt "$ROUNDS" ]; do
        out=$(taskset -c 1 wrk -t1 -c64 -d"${DURATION}s" --latency "http://127.0.0.1:$2$URL_PATH")
        rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
        p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
        p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
        errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {printf "%s ", $0}')
        echo "$rps,$p50,$p99,${errors:-none}" >> "$WORK/rounds"
        round=$((round + 1))
    done
    median=$(sort -t, -k1 -n "$WORK/rounds" | sed -n "$(( (ROUNDS + 1) / 2 ))p")
    echo "$1,$median" >> "$RESULTS"
    echo "$median" | awk -F, -v name="$1" -v all="$(cut -d, -f1 "$WORK/rounds" | tr '\n' ' ')" \
        '{printf "%-22s %12s req/s  p50 %-8s p99 %-8s (rounds: %s) %s\n", name, $1, $2, $3, all, ($4 == "none" ? "" : $4)}'
}

# run NAME PORT COMMAND...: start the server on core 0, measure, stop it
run() {
    name=$1; port=$2; shift 2
    taskset -c 0 "$@" >"$WORK/$name.log" 2>&1 &
    pid=$!
    if await_port "$port"; then
        measure "$name" "$port"
    else
        echo "$name,0,,,did not start (bench/target/http/$name.log)" >> "$RESULTS"
    fi
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

wanted() { case ",$ONLY," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

echo "java: $JAVA"
echo "file: $FILE ($(wc -c < "$FILE") bytes); warm-up ${WARMUP}s, then the median of $ROUNDS runs of ${DURATION}s; wrk -t1 -c64"

for io in selector blocking; do
    wanted $io || continue
    port=$(free_port)
    run "http-raw ($io)" "$port" "$DIST/bin/netsvc" run --enable http --set http.port="$port" \
        --set http.root="$WORK/www" --set http.access-log=false --set http.io=$io
done

if wanted selector-log; then # the cost of the access log (written to bench/target/http/*.log)
port=$(free_port)
run "http-raw (access log)" "$port" "$DIST/bin/netsvc" run --enable http --set http.port="$port" \
    --set http.root="$WORK/www" --set http.access-log=true
fi

if wanted netty; then
port=$(free_port)
run "Netty 4.2" "$port" "$JAVA" -cp "$CP" dev.netsvc.bench.http.NettyHttpServer "$port" "$WORK/www/$NAME"
fi

if wanted jdk; then
port=$(free_port)
run "JDK HttpServer" "$port" "$JAVA" -cp "$CP" dev.netsvc.bench.http.JdkHttpServer "$port" "$WORK/www/$NAME"
fi

if wanted nginx; then
port=$(free_port)
sed -e "s#@PORT@#$port#" -e "s#@WORK@#$WORK#g" "$ROOT/bench/nginx.conf" > "$WORK/nginx/nginx.conf"
run "nginx (1 worker)" "$port" nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"
fi

# heap per idle keep-alive connection: 5,000 connections, one request each, then idle
if wanted memory; then
JCMD="$(dirname "$JAVA")/jcmd"
heap_kib() { "$JCMD" "$1" GC.run >/dev/null; "$JCMD" "$1" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc 0-9; }
for io in selector blocking; do
    port=$(free_port)
    "$DIST/bin/netsvc" run --enable http --set http.port="$port" --set http.root="$WORK/www" \
        --set http.access-log=false --set http.io=$io >"$WORK/memory-$io.log" 2>&1 &
    pid=$!
    await_port "$port"
    jvm=$(ss -Hltnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
    before=$(heap_kib "$jvm")
    mkfifo "$WORK/hold"
    "$JAVA" -cp "$CP" dev.netsvc.bench.http.IdleClients "$port" 5000 "$URL_PATH" < "$WORK/hold" > "$WORK/idle.out" &
    clients=$!
    exec 3>"$WORK/hold"
    i=0
    until grep -q open "$WORK/idle.out" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 600 ] || { echo "the idle clients did not connect within 2 minutes" >&2; break; }
        sleep 0.2
    done
    after=$(heap_kib "$jvm")
    exec 3>&-
    wait $clients; rm -f "$WORK/hold"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    printf 'http-raw (%s): %d bytes of heap per idle keep-alive connection (5,000 connections)\n' \
        "$io" $(( (after - before) * 1024 / 5000 ))
done
fi

"$JAVA" -cp "$CP" dev.netsvc.bench.http.HttpReport "$RESULTS" "$WRITE" "$ROOT/docs/benchmarks.md" "$ROOT/docs/benchmarks-http.svg"
