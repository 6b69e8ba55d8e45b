#!/bin/sh
# The Debian package netsvc_VERSION_amd64.deb, from the assembled distribution and the jlink'd runtime,
# laid out by the path scheme of docs/operators.md ("Where netsvc keeps its files").
# usage: deb.sh DIST_DIR RUNTIME_DIR TARGET_DIR VERSION
set -eu
dist=$1 runtime=$2 target=$3 version=$4
here=$(cd "$(dirname "$0")/.." && pwd)
src=$here/deb
root=$target/deb-root
deb=$target/netsvc_${version}_amd64.deb

fail() { echo "deb.sh: $*" >&2; exit 1; }
for tool in dpkg-deb gzip md5sum; do
    command -v $tool >/dev/null || fail "$tool is not installed (Debian's dpkg and coreutils; .ci/install-tools installs them)"
done
[ -x "$runtime/bin/java" ] || fail "no runtime at $runtime (runtime.sh makes it first)"
[ -x "$dist/bin/netsvc" ] || fail "no distribution at $dist"

rm -rf "$root" "$deb"
mkdir -p "$root"
d() { mkdir -p "$root/$1"; }

# /usr/share/netsvc: the distribution as the tarball has it, its writable places linked to the FHS ones
# (so /usr/share/netsvc/bin/netsvc run by hand finds them too), the shipped plugins in a folder of
# their own for postinst to copy into the plugins folder
d usr/share/netsvc
cp -R "$dist/bin" "$dist/lib" "$dist/www" "$dist/sdk" "$dist/examples" "$root/usr/share/netsvc/"
cp -R "$dist/plugins" "$root/usr/share/netsvc/shipped-plugins"
ln -s /etc/netsvc "$root/usr/share/netsvc/conf"
ln -s /var/lib/netsvc/plugins "$root/usr/share/netsvc/plugins"
ln -s /run/netsvc "$root/usr/share/netsvc/run"
ln -s /var/log/netsvc "$root/usr/share/netsvc/logs"
d usr/share/netsvc/var
ln -s /var/cache/netsvc "$root/usr/share/netsvc/var/cache"
# messages that point to docs/NAME.md under the installation find them here too
ln -s ../doc/netsvc "$root/usr/share/netsvc/docs"

d usr/bin
cp "$here/common/netsvc" "$root/usr/bin/netsvc"
d usr/lib/netsvc
cp -R "$runtime" "$root/usr/lib/netsvc/runtime"
cp "$here/common/seed-plugins" "$root/usr/lib/netsvc/seed-plugins"

# /etc/netsvc: the tarball's netsvc.properties (every key, commented) with the places made absolute
d etc/netsvc/conf.d
sh "$here/build/properties.sh" deb "$dist/conf/netsvc.properties" > "$root/etc/netsvc/netsvc.properties"
cp "$dist/conf/quotes.txt" "$root/etc/netsvc/quotes.txt"
cp "$src/conf.d-README" "$root/etc/netsvc/conf.d/README"
d etc/logrotate.d
cp "$src/logrotate" "$root/etc/logrotate.d/netsvc"

# the systemd units: the distribution's, for /usr/bin/netsvc instead of /opt/netsvc
d lib/systemd/system
sed -e '1,/^\[Unit\]$/{/^\[Unit\]$/!d}' \
    -e 's|/opt/netsvc/bin/netsvc|/usr/bin/netsvc|g' \
    -e 's|file:/opt/netsvc/docs/operators.md|file:/usr/share/doc/netsvc/operators.md|' \
    -e '/^# http.s access log: logs\/ under the installation by default$/d' \
    -e '/^ReadWritePaths=-\/opt\/netsvc\/logs$/d' \
    "$dist/systemd/netsvc.service" > "$root/lib/systemd/system/netsvc.service.body"
{
    echo "# netsvc as the Debian package installs it (netsvc(1), /usr/share/doc/netsvc/operators.md)."
    echo "# Check a configuration first with: sudo -u netsvc netsvc check"
    echo
    cat "$root/lib/systemd/system/netsvc.service.body"
} > "$root/lib/systemd/system/netsvc.service"
rm "$root/lib/systemd/system/netsvc.service.body"
! grep -n /opt/netsvc "$root/lib/systemd/system/netsvc.service" || fail "netsvc.service still names /opt/netsvc"
cp "$dist"/systemd/netsvc-*.socket "$root/lib/systemd/system/"

# the manual and the docs
d usr/share/man/man1
gzip -9n < "$dist/man/netsvc.1" > "$root/usr/share/man/man1/netsvc.1.gz"
d usr/share/doc/netsvc
cp -R "$dist/docs/." "$root/usr/share/doc/netsvc/"
cp "$src/README.Debian" "$src/copyright" "$root/usr/share/doc/netsvc/"
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(date -R -d @"${SOURCE_DATE_EPOCH:-$(date +%s)}")/" "$src/changelog.in" \
    | gzip -9n > "$root/usr/share/doc/netsvc/changelog.gz"
d usr/share/lintian/overrides
cp "$src/lintian-overrides" "$root/usr/share/lintian/overrides/netsvc"

# the drop folder; the user, its contents and the folders netsvc writes come from postinst
d var/lib/netsvc/plugins

# modes as Debian's tools leave them: folders 0755, programs 0755 (those that were), other files 0644
find "$root" -type d -exec chmod 0755 {} +
find "$root" -type f -perm -u+x -exec chmod 0755 {} +
find "$root" -type f ! -perm -u+x -exec chmod 0644 {} +
chmod 0755 "$root/usr/bin/netsvc" "$root/usr/share/netsvc/bin/netsvc" "$root/usr/lib/netsvc/seed-plugins"

d DEBIAN
for script in postinst prerm postrm; do
    install -m 0755 "$src/$script" "$root/DEBIAN/$script"
done
(cd "$root" && find etc -type f | sort | sed 's|^|/|') > "$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -print | sed 's|^\./||' | sort \
    | xargs md5sum) > "$root/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$src/control.in" > "$root/DEBIAN/control"

# xz at its fastest level: a third of the time of the default for a few percent more bytes
dpkg-deb --root-owner-group -Zxz -z1 --build "$root" "$deb" >/dev/null \
    || fail "dpkg-deb could not build $deb"
echo "deb.sh: $deb ($(du -k "$deb" | cut -f1) KiB, $size KiB installed)"
