#!/bin/sh
# The container image archive target/netsvc-VERSION-image.tar (image.py says what is in it), from
# Debian's packages libc6, busybox and tini (apt-get download, then unpacked: no image registry), the
# jlink'd runtime and the distribution.
# usage: image.sh DIST_DIR RUNTIME_DIR TARGET_DIR VERSION
set -eu
dist=$1 runtime=$2 target=$3 version=$4
here=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "image.sh: $*" >&2; exit 1; }
for tool in apt-get dpkg-deb python3; do
    command -v $tool >/dev/null || fail "$tool is not installed (.ci/install-tools installs what the build needs)"
done
[ -x "$runtime/bin/java" ] || fail "no runtime at $runtime (runtime.sh makes it first)"

debs=$target/image-debs
mkdir -p "$debs"
if ! ls "$debs"/libc6_*.deb "$debs"/busybox_*.deb "$debs"/tini_*.deb >/dev/null 2>&1; then
    # the package lists may name versions the mirror has replaced since: as root, refresh them once
    if ! (cd "$debs" && apt-get download libc6 busybox tini >"$debs/download.log" 2>&1) && [ "$(id -u)" = 0 ]; then
        apt-get update -qq >>"$debs/download.log" 2>&1 || true
        (cd "$debs" && apt-get download libc6 busybox tini >>"$debs/download.log" 2>&1) || true
    fi
    ls "$debs"/libc6_*.deb "$debs"/busybox_*.deb "$debs"/tini_*.deb >/dev/null 2>&1 \
        || fail "apt-get download libc6 busybox tini failed ($(tail -1 "$debs/download.log")); run apt-get update first"
fi
base=$target/image-base
rm -rf "$base"
for deb in "$debs"/*.deb; do
    dpkg-deb -x "$deb" "$base" || fail "cannot unpack $deb"
done

props=$target/image-netsvc.properties
sh "$here/build/properties.sh" image "$dist/conf/netsvc.properties" > "$props"
python3 "$here/build/image.py" --base "$base" --runtime "$runtime" --dist "$dist" --properties "$props" \
    --wrapper "$here/common/netsvc" --seed "$here/common/seed-plugins" --version "$version" \
    --out "$target/netsvc-$version-image.tar" || fail "image.py failed"
