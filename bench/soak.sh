#!/usr/bin/env bash
# Soak: runs the assembled distribution for a while under mixed load and watches the host process.
#
#   bench/soak.sh            # 10 minutes
#   bench/soak.sh 3          # 3 minutes; also 90s, 2m
#
# Load, all at once for the whole run, every target on loopback: wrk on http; `netsvc bench echo` on
# echo-blocking, echo-selector and echo-async (rounds of 20 s); UDP bursts on qotd and daytime from
# 127.0.0.2..127.0.0.5; slow HTTP clients (a byte a second) and clients that send but never read (http,
# echo-blocking, echo-selector). Halfway, when the commands exist, `netsvc restart echo-async` through
# the control socket, and at 60% the tcp-time plugin jar replaced in plugins/ (detected: `netsvc restart
# --help` exits 0; conf/netsvc.properties knows plugins.watch); otherwise skipped with a note.
# Every SAMPLE seconds (5): RSS, threads and open descriptors (/proc/PID), heap after the latest GC (the
# host's GC log; a full GC every FULL_GC seconds, 30). wrk counts a request unanswered in 20 s as failed.
# Writes the "Soak" section of docs/reliability.md and docs/soak.svg (bench's SoakReport); raw data in
# bench/target/soak/. Needs `mvn -DskipTests package` first, wrk, and a JDK with jcmd. Exit 1 if any
# request failed outside the restarted service.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd -P)
arg=${1:-10}
case $arg in
    *s) seconds=${arg%s} ;;
    *m) seconds=$(( ${arg%m} * 60 )) ;;
    *) seconds=$(( arg * 60 )) ;;
esac
SAMPLE=${SAMPLE:-5}
FULL_GC=${FULL_GC:-30}
RESTART_ID=${RESTART_ID:-echo-async}
REPLACE_PLUGIN=${REPLACE_PLUGIN:-tcp-time}

if [ -z "${JAVA_HOME:-}" ]; then
    JAVA_HOME=$(for j in /usr/lib/jvm/*/bin/java; do
                    v=$("$j" -version 2>&1 | sed -n '1s/^[^"]*"\([0-9]*\).*/\1/p')
                    [ -n "$v" ] && echo "$v $(dirname "$(dirname "$j")")"
                done | sort -rn | head -n 1 | cut -d' ' -f2)
fi
export JAVA_HOME
java=$JAVA_HOME/bin/java
jcmd=$JAVA_HOME/bin/jcmd
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
dist=$(ls -td "$root"/dist/target/netsvc-*/ 2>/dev/null | head -n 1) # the newest build, not an older version's
dist=${dist%/}
[ -n "$dist" ] && [ -d "$root/bench/target/classes" ] || { echo "build first: mvn -DskipTests package" >&2; exit 2; }
cp="$root/bench/target/classes:$root/bench/target/lib/*"

work=$root/bench/target/soak
rm -rf "$work"
mkdir -p "$work"
cp -r "$dist" "$work/netsvc" # a copy: the soak replaces a plugin jar in it
netsvc=$work/netsvc/bin/netsvc

free_port() {
    while :; do
        local port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 20000 ))
        if [ -z "$(ss -Hlntu "sport = :$port" 2>/dev/null)" ] && ! grep -qx "$port" "$work/ports" 2>/dev/null; then
            echo "$port" >>"$work/ports"
            echo "$port"
            return
        fi
    done
}
declare -A port
for id in http echo-blocking echo-selector echo-async qotd daytime time; do
    port[$id]=$(free_port)
done

# What this distribution can do: restart through the control socket, a live plugins folder, admin keys.
conf=$work/netsvc/conf/netsvc.properties
options=()
for id in "${!port[@]}"; do
    options+=(--set "$id.port=${port[$id]}")
done
options+=(--set http.access-log=false)
# UDP answers are rate-limited per source by default (10/s); the bursts below ask 100/s from each of 4
# sources, so the limits are raised (whatever this build calls them) and every datagram deserves an answer
for id in qotd daytime; do
    for key in udp-rate:400 udp-burst:100 rate:400 rate-burst:100; do
        grep -q "^#* *$id.${key%%:*}=" "$conf" && options+=(--set "$id.${key%%:*}=${key#*:}")
    done
done
grep -q '^#* *admin.port' "$conf" && options+=(--set admin.port=0)
grep -q '^#* *admin.socket' "$conf" && options+=(--set admin.socket="$work/netsvc.sock")
can_restart=no
if "$netsvc" restart --help >/dev/null 2>&1; then
    can_restart=yes
fi
can_replace=no
grep -q '^#* *plugins.watch' "$conf" && can_replace=yes

echo "seconds,event" >"$work/events.csv"
echo "seconds,rss_kib,heap_kib,threads,fds" >"$work/samples.csv"
echo "load,requests,failed,counted" >"$work/load.csv"

NETSVC_JAVA_OPTS="${NETSVC_JAVA_OPTS:-} -Xlog:gc:file=$work/gc.log" "$netsvc" run "${options[@]}" >"$work/host.log" 2>&1 &
host=$!
cleanup() {
    kill "$host" 2>/dev/null || true
    jobs -p | xargs -r kill 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 300); do
    grep -q 'netsvc ready' "$work/host.log" && break
    kill -0 "$host" 2>/dev/null || { echo "the host did not start:" >&2; cat "$work/host.log" >&2; exit 1; }
    sleep 0.1
done
grep -q 'netsvc ready' "$work/host.log" || { echo "the host did not get ready in 30 s" >&2; exit 1; }
echo "host $host ready; soak for ${seconds}s (restart: $can_restart, plugin replacement: $can_replace)"
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }

# Heap after GC comes from the host's GC log (attaching jcmd every few seconds is slow on a busy
# machine); a full GC is asked for every FULL_GC seconds, so the log also has after-full-GC values.
sample() {
    local rss threads fds heap
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$host/status" 2>/dev/null) || return 0
    threads=$(awk '/^Threads/ {print $2}' "/proc/$host/status")
    fds=$(ls "/proc/$host/fd" 2>/dev/null | wc -l)
    heap=$(grep -o '[0-9]*M->[0-9]*M' "$work/gc.log" 2>/dev/null | tail -n 1 | sed 's/.*->//; s/M//')
    echo "$(elapsed),$rss,$(( ${heap:-0} * 1024 )),$threads,$fds" >>"$work/samples.csv"
}
last_full_gc=0

rcvbuf_errors() { awk '/^Udp:/ {n++; if (n == 2) print $6}' /proc/net/snmp; }
rcvbuf_before=$(rcvbuf_errors)

# the load
wrk -t1 -c16 -d"${seconds}s" --timeout 20s --latency "http://127.0.0.1:${port[http]}/index.html" >"$work/wrk.txt" 2>&1 &
for id in echo-blocking echo-selector echo-async; do
    (
        end=$(( start + seconds ))
        : >"$work/bench-$id.txt"
        while [ "$(date +%s)" -lt $(( end - 2 )) ]; do
            d=$(( end - $(date +%s) )); [ $d -gt 20 ] && d=20
            if "$netsvc" bench echo "127.0.0.1:${port[$id]}" --connections 4 --duration "${d}s" --size 256 \
                    >>"$work/bench-$id.txt" 2>>"$work/bench-$id.err"; then
                echo "round ok" >>"$work/bench-$id.txt"
            else
                echo "round failed" >>"$work/bench-$id.txt"
                sleep 1
            fi
        done
    ) &
done
"$java" -cp "$cp" dev.netsvc.bench.soak.UdpBurst "$seconds" 20 200 "${port[qotd]},${port[daytime]}" \
    127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5 >"$work/udp.txt" 2>&1 &
udp=$!
"$java" -cp "$cp" dev.netsvc.bench.soak.MisbehavingClients "$seconds" 20 "${port[http]}" \
    "${port[echo-blocking]},${port[echo-selector]}" >"$work/misbehaving.txt" 2>&1 &

# sampling, and the events in the middle
restarted=no
replaced=no
while [ "$(elapsed)" -lt "$seconds" ]; do
    sample
    if [ $(( $(elapsed) - last_full_gc )) -ge "$FULL_GC" ]; then
        last_full_gc=$(elapsed)
        "$jcmd" "$host" GC.run >/dev/null 2>&1 &
    fi
    if [ $restarted = no ] && [ "$(elapsed)" -ge $(( seconds / 2 )) ]; then
        restarted=yes
        if [ $can_restart = yes ]; then
            if "$netsvc" restart "$RESTART_ID" >>"$work/events.log" 2>&1 \
                    || "$netsvc" restart --admin-socket "$work/netsvc.sock" "$RESTART_ID" >>"$work/events.log" 2>&1; then
                echo "$(elapsed),restart $RESTART_ID" >>"$work/events.csv"
            else
                echo "$(elapsed),restart $RESTART_ID failed" >>"$work/events.csv"
            fi
        else
            echo "note: 'netsvc restart' does not exist in this build; the restart step was skipped" | tee -a "$work/notes.txt"
        fi
    fi
    if [ $replaced = no ] && [ "$(elapsed)" -ge $(( seconds * 6 / 10 )) ]; then
        replaced=yes
        if [ $can_replace = yes ]; then
            # a rebuilt copy with another Plugin-Version (identical bytes would swap nothing), renamed in
            # over the old jar as a deploy tool would
            jar=$(ls "$work/netsvc/plugins/$REPLACE_PLUGIN"-*.jar | head -n 1)
            python3 - "$jar" "$work/replacement.part" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == "META-INF/MANIFEST.MF":
            lines = [l for l in data.decode().splitlines() if l and not l.startswith("Plugin-Version:")]
            data = ("\r\n".join(lines + ["Plugin-Version: 9.9.9"]) + "\r\n\r\n").encode()
        zout.writestr(item, data)
PY
            mv "$work/replacement.part" "$jar"
            echo "$(elapsed),replace $REPLACE_PLUGIN jar with 9.9.9" >>"$work/events.csv"
        else
            echo "note: this build has no live plugins folder (plugins.watch); the plugin replacement was skipped" | tee -a "$work/notes.txt"
        fi
    fi
    sleep "$SAMPLE"
done
wait "$udp" || true
if [ $can_replace = yes ] && [ $replaced = yes ] && ! grep -q "plugin $REPLACE_PLUGIN: .* replaced by 9.9.9" "$work/host.log"; then
    echo "note: the $REPLACE_PLUGIN replacement did not happen: $(grep "plugin $REPLACE_PLUGIN" "$work/host.log" | tail -n 1)" | tee -a "$work/notes.txt"
fi
for _ in $(seq 60); do # the last bench round and wrk end on their own
    [ "$(jobs -rp | grep -vx "$host" | wc -l)" -eq 0 ] && break
    sleep 1
done
sample
kill -TERM "$host"
wait "$host" || true
trap - EXIT

# the results
wrk_requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
wrk_failed=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$work/wrk.txt")
echo "wrk on http (16 connections),${wrk_requests:-0},$wrk_failed,yes" >>"$work/load.csv"
for id in echo-blocking echo-selector echo-async; do
    messages=$(awk '/^messages:/ {n += $2} END {print n + 0}' "$work/bench-$id.txt")
    failed=$(grep -c 'round failed' "$work/bench-$id.txt" || true)
    counted=yes
    [ "$id" = "$RESTART_ID" ] && [ $can_restart = yes ] && counted=no
    echo "netsvc bench echo on $id (4 connections; failed = failed rounds),$messages,$failed,$counted" >>"$work/load.csv"
done
while read -r _ p _ sent _ answered; do
    name=qotd; [ "$p" = "${port[daytime]}" ] && name=daytime
    echo "UDP bursts on $name from 4 sources (failed = unanswered),$sent,$(( sent - answered )),yes" >>"$work/load.csv"
done < <(grep '^udp ' "$work/udp.txt")
{
    echo -n "Run of $(date -u +%Y-%m-%d) for ${seconds} s ($(nproc) cores, shared), sampled every ${SAMPLE} s."
    echo -n " Misbehaving clients alongside: $(tr '\n' ';' <"$work/misbehaving.txt" | sed 's/;$//; s/;/; /g')."
    echo -n " UDP datagrams the kernel dropped for full receive buffers meanwhile, any process: $(( $(rcvbuf_errors) - rcvbuf_before ))."
    [ -f "$work/notes.txt" ] && echo -n " $(tr '\n' ' ' <"$work/notes.txt")"
    echo
} >"$work/run.txt"
"$java" -cp "$cp" dev.netsvc.bench.soak.SoakReport "$work" "$root/docs/reliability.md" "$root/docs/soak.svg"
! awk -F, 'NR > 1 && $4 == "yes" && $3 > 0 {found = 1} END {exit !found}' "$work/load.csv"
