#!/bin/sh
# Counts the types a plugin can name in netsvc-core, per package: public top-level types and public (or
# protected) nested types whose enclosing types are public too; the last column counts every type
# (anonymous and local classes left out). Packages the host keeps (refused to plugins: see
# docs/plugin-authors.md, "What core offers plugins") are marked "host".
# Usage: sdk/public-types.sh [CLASSES_DIR | JAR]   (default core/target/classes; build core first:
#        mvn -o -q -pl core compile)
set -eu
cd "$(dirname "$0")/.."
TARGET=${1:-core/target/classes}
JAVAP=
for java_home in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    if [ -n "$java_home" ] && [ -x "$java_home/bin/javap" ]; then
        JAVAP=$java_home/bin/javap
    fi
done
if [ -z "$JAVAP" ]; then
    echo "public-types.sh: no javap found (JAVA_HOME or /usr/lib/jvm/*): install a JDK" >&2
    exit 1
fi
if [ -d "$TARGET" ]; then
    CLASSES=$(cd "$TARGET" && find . -name '*.class' ! -name 'package-info.class' ! -name 'module-info.class' \
        | sed 's|^\./||; s|\.class$||; s|/|.|g')
else
    CLASSES=$(unzip -Z1 "$TARGET" | grep '\.class$' | grep -v -e 'package-info' -e 'module-info' \
        | sed 's|\.class$||; s|/|.|g')
fi
# shellcheck disable=SC2086 # one name per word
"$JAVAP" -cp "$TARGET" $CLASSES | awk '
    /^Compiled from/ { next }
    /^[a-z].*(class|interface) [A-Za-z0-9_.$]+/ {
        for (i = 1; i <= NF; i++) if ($i == "class" || $i == "interface") { name = $(i + 1); break }
        sub(/[<{].*/, "", name)
        public[name] = ($1 == "public")
        names[++n] = name
    }
    END {
        for (k = 1; k <= n; k++) {
            name = names[k]
            if (name ~ /\$[0-9]/) continue                       # anonymous or local
            pkg = name; sub(/\.[^.]*$/, "", pkg)
            all[pkg]++
            visible = 1                                          # public, and so is every enclosing type
            outer = name
            while (visible) {
                if (!public[outer]) visible = 0
                if (outer !~ /\$/) break
                sub(/\$[^$]*$/, "", outer)
            }
            if (visible) pub[pkg]++
        }
        printf "%-28s %6s %6s\n", "package", "public", "all"
        for (pkg in all) printf "%-28s %6d %6d%s\n", pkg, pub[pkg], all[pkg], (pkg ~ /\.internal$|\.host$/ ? "  host" : "") | "sort"
        close("sort")
        for (pkg in all) { tp += pub[pkg]; ta += all[pkg]; if (pkg !~ /\.internal$|\.host$/) api += pub[pkg] }
        printf "%-28s %6d %6d\n", "total", tp, ta
        printf "%-28s %6d\n", "public outside host packages", api
    }'
