#!/bin/sh
# Same-run ratios for issue 12's workloads, as pairs of back-to-back wrk runs on a shared machine:
#   default  http-raw's default configuration (access log on, to logs/http-access.log) vs Netty 4.2, index.html, 64 connections
#   nolog    http-raw with http.access-log=false vs Netty 4.2, index.html, 64 connections
#   file64k  http-raw vs nginx (1 worker, sendfile on), a 64 KiB file, 16 connections
#   file1m   http-raw vs nginx (1 worker, sendfile on), a 1 MiB file, 16 connections (http-raw: sendfile)
#   file64k-blocking, file1m-blocking  the same with http.io=blocking (a virtual thread per connection)
#   async100 echo-async vs Netty 4.2's echo example, 64-byte request/response on 100 connections
#            (netsvc bench echo instead of wrk; the rates are messages per second)
#   logcost  http-raw with its access log vs http-raw without, index.html, 64 connections: what the log
#            costs, both measured within each pair (only with --only: default vs nolog run in two blocks,
#            and a machine that shifts between the blocks shows up as the log's cost)
# TLS (only with --only; TLS 1.3, one ECDSA P-256 certificate made here for both servers, JDK provider):
#   https-small       http-raw over TLS vs nginx over TLS (bench/nginx-tls.conf), index.html, keep-alive, 64 connections
#   https-handshakes  full handshakes per second, netsvc's http vs nginx: wrk with Connection: close, a new
#                     connection and one small request each, 16 at once (wrk resumes no session, nginx
#                     keeps none)
#   https-1m          a 1 MiB file over TLS vs nginx, 16 connections
#   tls-echo-blocking, tls-echo-selector, tls-echo-async  each engine's echo over TLS vs Netty 4.2's echo
#                     example with its SslHandler on the JDK provider, 64-byte messages on 100 connections
# The PROXY protocol (only with --only; HAProxy on core 1 beside wrk, in front of two http-raw hosts):
#   proxy-keepalive   http.proxy-protocol=v2 (HAProxy send-proxy-v2) vs off, index.html, keep-alive, 64
#                     connections: the cost per request
#   proxy-close       the same with Connection: close: the cost per connection (a header each)
# Both servers of a workload run at once, pinned to core 0 (an idle server costs nothing), wrk to core 1.
# --server-cpu FRACTION also caps each server at that share of core 0 (its own cgroup, cpu quota per
# 10 ms): where one wrk thread on core 1 is the limit before the server is (https-small: wrk at 100%,
# netsvc's core ~25% idle), the cap makes the servers the limit again, so throughput compares them.
# After a warm-up of each, PAIRS pairs of runs (netsvc, then the peer, DURATION each); each pair gives a
# ratio, and the median ratio is reported, so a burst of load from other work on the machine moves one
# pair, not the result. Writes bench/target/pairs/results.csv; --write also draws
# docs/benchmarks-issue12.svg (the tables in docs/benchmarks.md are written by hand from results.csv).
#
# Usage: bench/pairs.sh [--write] [--pairs N] [--duration SECONDS] [--warmup SECONDS] [--server-cpu 0.5] [--only default,nolog,file64k,file1m,file64k-blocking,file1m-blocking,async100,logcost,
#        https-small,https-handshakes,https-1m,tls-echo-blocking,tls-echo-selector,tls-echo-async,proxy-keepalive,proxy-close]
# Needs: 'mvn -DskipTests package' first; wrk, nginx, taskset, curl; openssl for TLS, haproxy for PROXY.
set -eu
if [ "${NETSVC_BENCH_LOCKED:-}" != 1 ]; then
    NETSVC_BENCH_LOCKED=1 exec flock /tmp/netsvc-bench.lock "$0" "$@"
fi
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PAIRS=5; DURATION=5; WARMUP=3; WRITE=0; ONLY=default,nolog,file64k,file1m; SERVER_CPU=""
while [ $# -gt 0 ]; do
    case $1 in
        --write) WRITE=1 ;;
        --pairs) PAIRS=$2; shift ;;
        --duration) DURATION=$2; shift ;;
        --warmup) WARMUP=$2; shift ;;
        --only) ONLY=$2; shift ;;
        --server-cpu) SERVER_CPU=$2; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
DIST=$(ls -d "$ROOT"/dist/target/netsvc-*/ 2>/dev/null | head -1)
[ -n "$DIST" ] && [ -d "$ROOT/bench/target/lib" ] || { echo "build first: mvn -DskipTests package" >&2; exit 1; }
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/java}
[ -n "$JAVA" ] || JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java | head -1)
WORK="$ROOT/bench/target/pairs"
rm -rf "$WORK" && mkdir -p "$WORK/www" "$WORK/nginx/tmp"
cp "$ROOT/dist/src/www/index.html" "$WORK/www/index.html"
head -c 65536 /dev/urandom > "$WORK/www/64k.bin"
head -c 1048576 /dev/urandom > "$WORK/www/1m.bin"
CP="$ROOT/bench/target/classes:$ROOT/bench/target/lib/*"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "nginx is not installed" >&2; exit 1; }
RESULTS="$WORK/results.csv"
echo "workload,pair,netsvc_rps,peer_rps,ratio,netsvc_cpu_us_per_request,peer_cpu_us_per_request" > "$RESULTS"
PIDS=""
GROUPS=""
trap 'for p in $PIDS; do kill $p 2>/dev/null || true; done' EXIT

free_port() {
    while :; do
        port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 20000 ))
        [ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ] && { echo $port; return; }
    done
}
await_url() {
    i=0
    until curl -s -k -o /dev/null "$1"; do
        i=$((i + 1)); [ $i -lt 600 ] || { echo "no answer from $1" >&2; exit 1; }
        sleep 0.1
    done
}
# serve NAME COMMAND...: starts a server on core 0 in the background; its pid (taskset and bin/netsvc
# exec, so it is the server's own) in LAST
serve() {
    name=$1; shift
    taskset -c 0 "$@" >"$WORK/$name.log" 2>&1 &
    LAST=$!
    PIDS="$PIDS $LAST"
    [ -z "$SERVER_CPU" ] || cap_cpu "$name" "$LAST"
}
# cap_cpu NAME PID: the process (all its threads) in a cgroup of its own, allowed SERVER_CPU of a core
cap_cpu() {
    quota=$(awk -v f="$SERVER_CPU" 'BEGIN { printf "%d", f * 10000 }')
    if [ -d /sys/fs/cgroup/cpu ] && [ -w /sys/fs/cgroup/cpu ]; then # cgroup v1
        group=/sys/fs/cgroup/cpu/netsvc-bench-$1
        mkdir -p "$group"
        echo 10000 > "$group/cpu.cfs_period_us"
        echo "$quota" > "$group/cpu.cfs_quota_us"
    else # cgroup v2
        group=/sys/fs/cgroup/netsvc-bench-$1
        grep -q cpu /sys/fs/cgroup/cgroup.subtree_control || echo +cpu > /sys/fs/cgroup/cgroup.subtree_control
        mkdir -p "$group"
        echo "$quota 10000" > "$group/cpu.max"
    fi
    echo "$2" > "$group/cgroup.procs" || { echo "cannot cap $1's CPU: run as root with a cpu cgroup" >&2; exit 1; }
    GROUPS="$GROUPS $group"
}
# CPU time a process has used, in clock ticks (user + system)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
stop_all() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; PIDS=""
    for g in $GROUPS; do rmdir "$g" 2>/dev/null || true; done; GROUPS="" # empty once its process has gone
}
# rps URL CONNECTIONS SECONDS PID: prints requests/s and the server's CPU microseconds per request (the
# second is steadier than the first on a loaded machine: it does not count time waiting for a core)
# (an echo://HOST:PORT URL is measured with netsvc bench echo, 64-byte messages, instead of wrk)
rps() {
    # The access log grows by ~100 bytes a request. Emptied before each run (logrotate's copytruncate: the
    # server appends, so it goes on at the new end), its page cache is recycled as on a machine that has
    # run for a while; otherwise a fresh VM makes each new page of it cost a first touch of guest memory
    # (dd here: 0.5 GB/s the first time a GB is written, 5 GB/s after), a cost of the VM, not of the log.
    [ ! -f "$DIST/logs/http-access.log" ] || : > "$DIST/logs/http-access.log"
    before=$(ticks "$4")
    case $1 in
        echo://*|echos://*)
            tls=""; [ "${1%%://*}" = echos ] && tls="--tls --cacert $WORK/tls/cert.pem"
            out=$(taskset -c 1 "$DIST/bin/netsvc" bench echo "${1#*://}" --connections "$2" --size 64 $tls \
                      --duration "$3s" --warmup 0s | awk '/^messages:/ {print $2, "requests in", $4} /^messages\/s:/ {print "Requests/sec:", $2}') ;;
        close+*) out=$(taskset -c 1 wrk -t1 -c"$2" -d"$3s" -H 'Connection: close' "${1#close+}") ;;
        *) out=$(taskset -c 1 wrk -t1 -c"$2" -d"$3s" "$1") ;;
    esac
    after=$(ticks "$4")
    echo "$out" | awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" '
        /^Requests\/sec/ {r = $2} / requests in / {n = $1}
        END {printf "%s %.2f\n", r, (n > 0 ? t * 1e6 / hz / n : 0)}'
}
# pairs WORKLOAD NETSVC_URL NETSVC_PID PEER_URL PEER_PID CONNECTIONS
pairs() {
    case $2 in echo*://*) ;; *) await_url "${2#close+}"; await_url "${4#close+}" ;; esac
    rps "$2" "$6" "$WARMUP" "$3" >/dev/null; rps "$4" "$6" "$WARMUP" "$5" >/dev/null
    i=1
    while [ $i -le "$PAIRS" ]; do
        set -- "$@" $(rps "$2" "$6" "$DURATION" "$3") $(rps "$4" "$6" "$DURATION" "$5")
        a=$7; ca=$8; b=$9; cb=${10}
        set -- "$1" "$2" "$3" "$4" "$5" "$6"
        echo "$1,$i,$a,$b,$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.3f", a / b}'),$ca,$cb" | tee -a "$RESULTS"
        i=$((i + 1))
    done
}
# netty_port NAME: the port the Netty echo started by 'serve NAME' says it listens on, within a minute
netty_port() {
    i=0
    until port=$(grep -m1 'listening on' "$WORK/$1.log" | sed 's/.*://') && [ -n "$port" ]; do
        i=$((i + 1)); [ $i -lt 600 ] || { echo "$1 did not start" >&2; exit 1; }; sleep 0.1
    done
    echo "$port"
}
# await_ready NAME: waits (a minute at most) for the netsvc host started by 'serve NAME' to be ready
await_ready() {
    i=0
    until grep -q 'netsvc ready' "$WORK/$1.log"; do
        i=$((i + 1)); [ $i -lt 600 ] || { echo "$1 did not start" >&2; exit 1; }; sleep 0.1
    done
}
wanted() { case ",$ONLY," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
netsvc_http() { # NAME PORT SETTINGS...
    name=$1; port=$2; shift 2
    serve "$name" "$DIST/bin/netsvc" run --enable http --set http.port="$port" --set http.root="$WORK/www" "$@"
}

for workload in default nolog; do
    wanted $workload || continue
    p1=$(free_port); p2=$(free_port)
    if [ $workload = default ]; then netsvc_http http-default "$p1"; else netsvc_http http-nolog "$p1" --set http.access-log=false; fi
    ours=$LAST
    serve netty "$JAVA" -cp "$CP" dev.netsvc.bench.http.NettyHttpServer "$p2" "$WORK/www/index.html"
    pairs $workload "http://127.0.0.1:$p1/index.html" "$ours" "http://127.0.0.1:$p2/index.html" "$LAST" 64
    stop_all
done
if wanted logcost; then
    p1=$(free_port); p2=$(free_port)
    netsvc_http http-logged "$p1"
    logged=$LAST
    # a second host of the same distribution: its own control socket, no admin endpoint
    netsvc_http http-unlogged "$p2" --set http.access-log=false --set admin.enabled=false \
        --set admin.socket="$WORK/unlogged.sock"
    pairs logcost "http://127.0.0.1:$p1/index.html" "$logged" "http://127.0.0.1:$p2/index.html" "$LAST" 64
    stop_all
fi
if wanted async100; then
    p1=$(free_port)
    serve echo-async "$DIST/bin/netsvc" run --enable echo-async --set echo-async.port="$p1" --set admin.enabled=false
    ours=$LAST
    serve netty-echo "$JAVA" -cp "$CP" dev.netsvc.bench.echo.NettyEchoServer 0
    peer=$LAST
    p2=$(netty_port netty-echo); await_ready echo-async
    pairs async100 "echo://127.0.0.1:$p1" "$ours" "echo://127.0.0.1:$p2" "$peer" 100
    stop_all
fi
for workload in file64k file1m file64k-blocking file1m-blocking; do
    wanted $workload || continue
    case $workload in file64k*) file=64k.bin ;; *) file=1m.bin ;; esac
    case $workload in *-blocking) io=blocking ;; *) io=selector ;; esac
    p1=$(free_port); p2=$(free_port)
    netsvc_http "http-$workload" "$p1" --set http.access-log=false --set http.io=$io
    ours=$LAST
    sed -e "s#@PORT@#$p2#" -e "s#@WORK@#$WORK#g" "$ROOT/bench/nginx.conf" > "$WORK/nginx/nginx.conf"
    serve nginx "$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"
    pairs $workload "http://127.0.0.1:$p1/$file" "$ours" "http://127.0.0.1:$p2/$file" "$LAST" 16
    stop_all
done

# ---- TLS and the PROXY protocol ----------------------------------------------------------------------
tls_wanted() { for w in https-small https-handshakes https-1m tls-echo-blocking tls-echo-selector tls-echo-async; do wanted $w && return 0; done; return 1; }
if tls_wanted; then
    command -v openssl >/dev/null || { echo "openssl is not installed" >&2; exit 1; }
    mkdir -p "$WORK/tls"
    # self-signed, so it is its own CA for the clients (--cacert, -CAfile); PKCS#8 key, which all three read
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=localhost \
        -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" 2>/dev/null
    chmod 600 "$WORK/tls/key.pem"
    TLS_SET="--set http.tls.cert=$WORK/tls/cert.pem --set http.tls.key=$WORK/tls/key.pem --set http.tls.protocols=TLSv1.3"
fi
for workload in https-small https-handshakes https-1m; do
    wanted $workload || continue
    case $workload in https-small) path=index.html; conns=64 ;; https-1m) path=1m.bin; conns=16 ;; *) path=index.html; conns=16 ;; esac
    p1=$(free_port); p2=$(free_port)
    # shellcheck disable=SC2086
    netsvc_http "http-$workload" "$p1" --set http.access-log=false $TLS_SET
    ours=$LAST
    sed -e "s#@PORT@#$p2#" -e "s#@WORK@#$WORK#g" "$ROOT/bench/nginx-tls.conf" > "$WORK/nginx/nginx.conf"
    serve nginx "$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"
    peer=$LAST
    await_url "https://127.0.0.1:$p1/"; await_url "https://127.0.0.1:$p2/"
    prefix=""; [ $workload = https-handshakes ] && prefix="close+" # a new connection, so a full handshake, per request
    pairs $workload "${prefix}https://127.0.0.1:$p1/$path" "$ours" "${prefix}https://127.0.0.1:$p2/$path" "$peer" $conns
    stop_all
done
for engine in blocking selector async; do
    wanted tls-echo-$engine || continue
    p1=$(free_port)
    serve "tls-echo-$engine" "$DIST/bin/netsvc" run --enable echo-$engine --set echo-$engine.port="$p1" --set admin.enabled=false \
        --set echo-$engine.tls.cert="$WORK/tls/cert.pem" --set echo-$engine.tls.key="$WORK/tls/key.pem" \
        --set echo-$engine.tls.protocols=TLSv1.3
    ours=$LAST
    serve netty-tls-echo "$JAVA" -cp "$CP" dev.netsvc.bench.echo.NettyEchoServer 0 "$WORK/tls/cert.pem" "$WORK/tls/key.pem"
    peer=$LAST
    p2=$(netty_port netty-tls-echo); await_ready tls-echo-$engine
    pairs tls-echo-$engine "echos://localhost:$p1" "$ours" "echos://localhost:$p2" "$peer" 100
    stop_all
done
for workload in proxy-keepalive proxy-close; do
    wanted $workload || continue
    HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
    [ -x "$HAPROXY" ] || { echo "haproxy is not installed" >&2; exit 1; }
    b1=$(free_port); b2=$(free_port); f1=$(free_port); f2=$(free_port)
    netsvc_http http-proxy-on "$b1" --set http.access-log=false --set http.proxy-protocol=v2 --set http.proxy-from=127.0.0.1
    ours=$LAST
    netsvc_http http-proxy-off "$b2" --set http.access-log=false --set admin.enabled=false --set admin.socket="$WORK/proxy-off.sock"
    peer=$LAST
    cat > "$WORK/haproxy.cfg" <<CFG
global
    maxconn 4096
    nbthread 1
defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s
listen on
    bind 127.0.0.1:$f1
    server one 127.0.0.1:$b1 send-proxy-v2
listen off
    bind 127.0.0.1:$f2
    server one 127.0.0.1:$b2
CFG
    taskset -c 1 "$HAPROXY" -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 &
    PIDS="$PIDS $!"
    prefix=""; [ $workload = proxy-close ] && prefix="close+"
    # the CPU per request is netsvc's only (haproxy's is the same on both sides)
    pairs $workload "${prefix}http://127.0.0.1:$f1/index.html" "$ours" "${prefix}http://127.0.0.1:$f2/index.html" "$peer" 64
    stop_all
done

echo "median ratios of $PAIRS pairs: throughput netsvc / peer; CPU per request netsvc / peer (below 1: netsvc cheaper)${SERVER_CPU:+; each server capped at $SERVER_CPU of a core}"
for w in default nolog logcost async100 file64k file1m file64k-blocking file1m-blocking https-small https-handshakes https-1m \
        tls-echo-blocking tls-echo-selector tls-echo-async proxy-keepalive proxy-close; do
    grep -q "^$w," "$RESULTS" || continue
    m=$(grep "^$w," "$RESULTS" | cut -d, -f5 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    c=$(grep "^$w," "$RESULTS" | awk -F, '{print $6 / $7}' | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}')
    echo "$w,$m,$c" >> "$WORK/medians.csv"
    echo "  $w: throughput $m, CPU per request $c"
done
[ "$WRITE" = 1 ] && sh "$ROOT/bench/pairs-report.sh" "$WORK" "$ROOT/docs"
exit 0
