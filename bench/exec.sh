#!/usr/bin/env bash
# Connections a second through a program per connection: netsvc's exec service, xinetd and ucspi-tcp's
# tcpserver, in the same run, each running /bin/cat for a 64-byte exchange (connect, 64 bytes, half-close,
# 64 bytes back, close). One server at a time on core 0, the load (dev.netsvc.bench.exec.ConnectionRate,
# CLIENTS connections at once) on core 1, rounds alternating who goes first. The three configurations
# are printed first and kept in bench/target/exec/: each server runs at most MAX programs at once, logs
# failed connections only, never looks up names; xinetd's cps (50 a second by default, then 10 s off) is
# raised so it is not what is measured. Prints each round and the medians, with netsvc's ratio to each.
#
#   bench/exec.sh                                     # 5 rounds of 10 s per server, about 3 minutes
#   ROUNDS=1 DURATION=3 WARMUP=1 NETSVC_NO_BUILD=1 bench/exec.sh   # a quick look
#   SERVERS="netsvc xinetd" bench/exec.sh             # a subset
#
# Needs xinetd and tcpserver (.ci/install-tools installs both), and root for xinetd's ports and its
# user attribute. Runs under flock /tmp/netsvc-bench.lock; builds first unless NETSVC_NO_BUILD=1.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd -P)
if [ -z "${NETSVC_BENCH_LOCKED:-}" ]; then
    export NETSVC_BENCH_LOCKED=1
    exec flock /tmp/netsvc-bench.lock "$0" "$@"
fi

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CLIENTS=${CLIENTS:-16}
MAX=${MAX:-100}
SERVERS=${SERVERS:-"netsvc xinetd tcpserver"}
JVM_OPTS=${JVM_OPTS:-"-Xms256m -Xmx256m -XX:+AlwaysPreTouch"}
SERVER_CORE=${SERVER_CORE:-0}
CLIENT_CORE=${CLIENT_CORE:-1}

if [ -z "${JAVA_HOME:-}" ]; then
    JAVA_HOME=$(for j in /usr/lib/jvm/*/bin/java; do
                    v=$("$j" -version 2>&1 | sed -n '1s/^[^"]*"\([0-9]*\).*/\1/p')
                    [ -n "$v" ] && echo "$v $(dirname "$(dirname "$j")")"
                done | sort -rn | head -n 1 | cut -d' ' -f2)
fi
java=$JAVA_HOME/bin/java
if [ -z "${NETSVC_NO_BUILD:-}" ]; then
    (cd "$root" && mvn -q -DskipTests package)
fi
dist=$(find "$root/dist/target" -maxdepth 1 -type d -name 'netsvc-*' | head -n 1)
cp=${BENCH_CP:-"$root/bench/target/classes:$root/bench/target/lib/*"}
xinetd=$(command -v xinetd || echo /usr/sbin/xinetd)
tcpserver=$(command -v tcpserver || true)
out=$root/bench/target/exec
rm -rf "$out"
mkdir -p "$out"
pid=""
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; true' EXIT

free_port() { # a port nobody listens on now: xinetd and tcpserver cannot be given 0
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)

# --- the three configurations -------------------------------------------------------------------
cat >"$out/netsvc.properties" <<CONF
cat.instance-of=exec
cat.command=/bin/cat
cat.port=$port
cat.bind=127.0.0.1
cat.max-connections=$MAX
# the default: failed connections only
cat.connection-log=failure
CONF
cat >"$out/xinetd.conf" <<CONF
defaults
{
	log_type	= FILE $out/xinetd.log
	log_on_success	=
	log_on_failure	= HOST
	# the default, 50 a second then 10 s off, would be what is measured
	cps		= 1000000 1
}
service cat
{
	type		= UNLISTED
	port		= $port
	bind		= 127.0.0.1
	socket_type	= stream
	protocol	= tcp
	wait		= no
	user		= $(id -un)
	instances	= $MAX
	server		= /bin/cat
}
CONF
# -R: no ident lookup, -H: no DNS, -l 0: no local name; -c: programs at once
tcpserver_args="-c $MAX -R -H -l 0 127.0.0.1 $port /bin/cat"
echo "tcpserver $tcpserver_args" >"$out/tcpserver.args"
for f in netsvc.properties xinetd.conf tcpserver.args; do
    echo "==> $f"
    cat "$out/$f"
done
echo

accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }
start() { # SERVER: starts it on core 0 and waits until it accepts
    local log=$out/$1.log i
    case $1 in
        netsvc) NETSVC_JAVA_OPTS="$JVM_OPTS" taskset -c "$SERVER_CORE" "$dist/bin/netsvc" run -c "$out/netsvc.properties" \
                    -e cat --set admin.enabled=false --set admin.socket="$out/ctl.sock" >"$log" 2>&1 & ;;
        xinetd) taskset -c "$SERVER_CORE" "$xinetd" -dontfork -f "$out/xinetd.conf" -pidfile "$out/xinetd.pid" >"$log" 2>&1 & ;;
        tcpserver) # shellcheck disable=SC2086
                   taskset -c "$SERVER_CORE" "$tcpserver" $tcpserver_args >"$log" 2>&1 & ;;
    esac
    pid=$!
    for i in $(seq 300); do accepts && return; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "$1 did not start:" >&2; cat "$log" >&2; exit 1
}
stop() {
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
    for i in $(seq 100); do accepts || return 0; sleep 0.1; done
}
measure() { # prints "rate failed"
    taskset -c "$CLIENT_CORE" "$java" -cp "$cp" dev.netsvc.bench.exec.ConnectionRate 127.0.0.1 "$port" "$CLIENTS" \
        "$WARMUP" "$DURATION" | awk '/^connections\/s:/{r = $2} /^failed:/{f = $2} END {print r, f}'
}

servers=""
for s in $SERVERS; do
    if [ "$s" = tcpserver ] && [ -z "$tcpserver" ]; then echo "tcpserver is not installed: skipped" >&2; continue; fi
    if [ "$s" = xinetd ] && [ ! -x "$xinetd" ]; then echo "xinetd is not installed: skipped" >&2; continue; fi
    servers="$servers $s"
done
: >"$out/rates"
for r in $(seq "$ROUNDS"); do
    order=$servers
    for _ in $(seq $(( (r - 1) % $(echo $servers | wc -w) ))); do # rotate who goes first
        order="${order#* } ${order%% *}"
        order=${order# }
    done
    for s in $order; do
        start "$s"
        read -r rate failed < <(measure)
        stop
        echo "round $r: $s $rate connections/s ($failed failed)"
        echo "$s $r $rate $failed" >>"$out/rates"
    done
done
echo
median() { awk -v s="$1" '$1 == s {print $3}' "$out/rates" | sort -n | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]}'; }
for s in $servers; do
    printf '%-10s median %s connections/s\n' "$s" "$(median "$s")"
done
n=$(median netsvc)
for s in $servers; do
    [ "$s" = netsvc ] || [ -z "$n" ] && continue
    awk -v a="$n" -v b="$(median "$s")" -v s="$s" 'BEGIN { if (b > 0) printf "netsvc/%s %.2f\n", s, a / b }'
done
