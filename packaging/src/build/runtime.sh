#!/bin/sh
# The Java runtime the Debian package and the container image carry (Debian 12 has no Java 21+):
# jlink of only the modules netsvc needs, from a JDK 21+ (the newest under /usr/lib/jvm unless named).
# usage: runtime.sh DIST_DIR OUT_DIR [JDK_HOME]
set -eu
dist=$1 out=$2 jdk=${3:-}

fail() { echo "runtime.sh: $*" >&2; exit 1; }

major_of() { # the major version in a JDK's release file
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null
}
if [ -z "$jdk" ]; then
    best=0
    for j in /usr/lib/jvm/*; do
        [ -x "$j/bin/jlink" ] && [ ! -h "$j" ] || continue
        m=$(major_of "$j")
        if [ -n "$m" ] && [ "$m" -gt "$best" ]; then best=$m; jdk=$j; fi
    done
fi
[ -n "$jdk" ] && [ -x "$jdk/bin/jlink" ] || fail "no JDK with jlink found under /usr/lib/jvm (name one with -Dnetsvc.runtime.jdk=DIR)"
major=$(major_of "$jdk")
[ "${major:-0}" -ge 21 ] || fail "$jdk is Java ${major:-?}; the runtime needs a JDK 21 or newer"
[ -d "$dist/lib" ] || fail "no distribution at $dist (mvn package builds dist first)"
command -v strip >/dev/null || fail "strip is not installed (Debian's binutils)"

# What the jars need, by jdeps: today java.base, java.compiler (pf4j's annotation processor classes),
# java.management and jdk.management (the JVM metrics of /metrics), jdk.httpserver (the admin
# endpoint), jdk.unsupported (sun.misc.Signal). Beside them, what jdeps cannot see: jdk.net
# (extended socket options, looked up by name), jdk.zipfs (zip file systems, opened by URI),
# java.logging (libraries that log through java.util.logging; the JDK's own class list names it).
# The foreign function API (TCP_CORK) is in java.base.
needed=$("$jdk/bin/jdeps" --multi-release "$major" --ignore-missing-deps --print-module-deps \
    --class-path "$dist/lib/*" "$dist"/lib/*.jar "$dist"/plugins/*.jar 2>/dev/null | tail -1) \
    || fail "jdeps failed on $dist/lib and $dist/plugins"
case $needed in
    java.base*) ;;
    *) fail "jdeps printed no module list: $needed" ;;
esac
modules="$needed,java.logging,jdk.net,jdk.zipfs"

rm -rf "$out"
mkdir -p "$(dirname "$out")"
# --generate-cds-archive: the JDK's own classes ready-mapped, for every command's start
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --generate-cds-archive --output "$out" >"$out.log" 2>&1 \
    || fail "jlink failed ($(tail -1 "$out.log")); the whole output is in $out.log"
# the archive for heaps over 32 GiB (no compressed pointers): 14 MB netsvc will not use
rm -f "$out/lib/server/classes_nocoops.jsa"
# a web server (jdk.httpserver's jwebserver) is no part of netsvc
rm -f "$out/bin/jwebserver"
# as Debian's own packages ship their binaries: without symbol tables (5 MB) or compiler comments
find "$out" -type f | while read -r f; do
    if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ]; then
        strip --strip-unneeded --remove-section=.comment --remove-section=.note "$f" || fail "strip failed on $f"
    fi
done
echo "runtime.sh: Java $major runtime of $modules in $out ($(du -sh "$out" | cut -f1))"
