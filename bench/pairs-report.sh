#!/bin/sh
# Draws docs/benchmarks-issue12.svg from bench/pairs.sh's medians (bench/target/pairs/medians.csv) and,
# when present, bench/start.sh's results (bench/target/start/results.csv): one bar per workload, its
# median same-run ratio to the peer, with the 1.0 line marked.
# Usage: bench/pairs-report.sh [PAIRS_WORK_DIR] [DOCS_DIR]
set -eu
cd "$(dirname "$0")/.."
WORK=${1:-bench/target/pairs}
DOCS=${2:-docs}
START=bench/target/start/results.csv
{
    sed -e 's/^default,/http-raw default (access log on) vs Netty,/' \
        -e 's/^nolog,/http-raw access log off vs Netty,/' \
        -e 's/^file64k,/64 KiB file vs nginx (sendfile),/' \
        -e 's/^file1m,/1 MiB file vs nginx (sendfile),/' \
        -e 's/^file64k-blocking,/64 KiB file vs nginx (http.io=blocking),/' \
        -e 's/^file1m-blocking,/1 MiB file vs nginx (http.io=blocking),/' \
        -e 's/^logcost,/http-raw access log on vs off (same run),/' \
        -e 's/^async100,/echo-async vs Netty echo (100 conn.),/' "$WORK/medians.csv"
    if [ -f "$START" ]; then
        awk -F, 'NR == 2 {n = $2} NR == 4 {e = $2} END {if (n > 0) printf "cold start: Netty echo time / netsvc time,%.3f\n", e / n}' "$START"
    fi
} | awk -F, '
    BEGIN { scale = 300; x0 = 330 }
    { label[NR] = $1; ratio[NR] = $2; n = NR }
    END {
        h = 60 + 40 * n
        printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"%d\" font-family=\"sans-serif\" font-size=\"13\">\n", h
        print "  <title>netsvc against its peers: median same-run ratios (above 1.0: netsvc faster)</title>"
        print "  <rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
        print "  <text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">netsvc / peer, median of back-to-back pairs (1.0 = as fast as the peer)</text>"
        for (i = 1; i <= n; i++) {
            y = 40 * i
            w = int(ratio[i] * scale)
            color = ratio[i] >= 1.0 ? "#2b6cb0" : "#c05621"
            printf "  <text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", x0 - 8, y + 19, label[i]
            printf "  <rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"28\" fill=\"%s\"/>\n", x0, y, w, color
            printf "  <text x=\"%d\" y=\"%d\">%.2f×</text>\n", x0 + w + 6, y + 19, ratio[i]
        }
        printf "  <line x1=\"%d\" y1=\"34\" x2=\"%d\" y2=\"%d\" stroke=\"black\" stroke-dasharray=\"4 3\"/>\n", x0 + scale, x0 + scale, h - 20
        printf "  <text x=\"%d\" y=\"%d\" text-anchor=\"middle\">1.0</text>\n", x0 + scale, h - 6
        print "</svg>"
    }' > "$DOCS/benchmarks-issue12.svg"
echo "wrote $DOCS/benchmarks-issue12.svg"
