#!/usr/bin/env bash
# Before and after: the same service of two distributions (say the commit before a change and main),
# measured in alternating pairs in one run (each side first in every other pair), so a change's cost is a ratio within one session instead
# of a comparison of numbers taken on different days. Server on core 0, load on core 1.
#
#   bench/ab.sh OLD_DIST NEW_DIST [SERVICE]      # SERVICE: echo-blocking (default), echo-selector,
#                                                #          echo-async or http
#   ROUNDS=5 DURATION=5 bench/ab.sh ...
#
# A distribution is an unpacked netsvc (e.g. dist/target/netsvc-0.1.0 of a worktree at the old commit,
# built with 'mvn -DskipTests package'). Echo services: 64-byte request/response on 1 and on 100
# connections (netsvc bench echo of NEW_DIST, for both). http: wrk, 64 keep-alive connections on
# www/index.html, default configuration (access log on). Prints each pair and the median of the
# NEW/OLD ratios per workload.
set -euo pipefail
if [ -z "${NETSVC_BENCH_LOCKED:-}" ]; then
    export NETSVC_BENCH_LOCKED=1
    exec flock /tmp/netsvc-bench.lock "$0" "$@"
fi
[ $# -ge 2 ] || { sed -n '2,14p' "$0" >&2; exit 2; }
OLD=$(cd "$1" && pwd -P); NEW=$(cd "$2" && pwd -P); SERVICE=${3:-echo-blocking}
ROUNDS=${ROUNDS:-5}; DURATION=${DURATION:-5}
out=$(mktemp -d); trap 'kill $pid 2>/dev/null || true; rm -rf "$out"' EXIT; pid=""
export NETSVC_JAVA_OPTS=${NETSVC_JAVA_OPTS:-"-Xms512m -Xmx512m -XX:+AlwaysPreTouch"}

start() { # DIST: starts SERVICE on a free port, sets pid and port
    local log=$out/server.log i
    taskset -c 0 "$1/bin/netsvc" run --enable "$SERVICE" --set "$SERVICE.port=0" >"$log" 2>&1 &
    pid=$!
    for i in $(seq 300); do grep -q "$SERVICE listening on tcp" "$log" && break; sleep 0.1; done
    port=$(grep -m1 "$SERVICE listening on tcp" "$log" | sed 's/.*://')
    [ -n "$port" ] || { cat "$log" >&2; exit 1; }
}
stop() { kill -TERM "$pid"; wait "$pid" || true; pid=""; }
measure() { # WORKLOAD: prints the rate
    case $1 in
        http) taskset -c 1 wrk -t1 -c64 -d"${DURATION}s" "http://127.0.0.1:$port/" | awk '/^Requests\/sec:/{print $2}' ;;
        c*) taskset -c 1 "$NEW/bin/netsvc" bench echo "127.0.0.1:$port" --connections "${1#c}" --size 64 \
                --duration "${DURATION}s" --warmup 1s 2>/dev/null | awk '/^messages\/s:/{print $2}' ;;
    esac
}
if [ "$SERVICE" = http ]; then workloads="http"; else workloads="c1 c100"; fi

for r in $(seq "$ROUNDS"); do
    sides="OLD NEW"
    [ $((r % 2)) = 0 ] && sides="NEW OLD" # alternate who goes first: drift of the machine cancels out
    for side in $sides; do
        start "${!side}"
        measure "${workloads##* }" >/dev/null # warm-up
        for w in $workloads; do echo "$w $r $side $(measure "$w")" >>"$out/rates"; done
        stop
    done
done
for w in $workloads; do
    echo "$SERVICE $w:"
    awk -v w="$w" -v ratios="$out/q" '$1 == w { rate[$2 " " $3] = $4; if ($2 > n) n = $2 }
        END { for (r = 1; r <= n; r++) { q = rate[r " NEW"] / rate[r " OLD"]; print q > ratios
                  printf "  pair %d: old %s  new %s  new/old %.2f\n", r, rate[r " OLD"], rate[r " NEW"], q } }' "$out/rates"
    sort -n "$out/q" | awk '{ q[NR] = $1 } END { printf "  median new/old %.2f (range %.2f to %.2f)\n", q[int((NR + 1) / 2)], q[1], q[NR] }'
done
