package dev.netsvc.bench.echo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the echo benchmark's measurements into the "Echo" section of docs/benchmarks.md and an SVG bar
 * chart of the rates, every figure also as a ratio to Netty's.
 *
 * <p>Usage: {@code EchoReport RESULTS.csv ENV.txt CHART.svg} — RESULTS has lines {@code server,metric,value}
 * (the first server is the peer the others are compared with), ENV has lines {@code key=value} describing
 * the run. The markdown goes to standard output.
 */
public final class EchoReport {

    /** A rate the chart shows: metric name, title, unit. */
    private record Rate(String metric, String title, String unit) {
    }

    private static final List<Rate> RATES = List.of(
            new Rate("rr1_rate", "1 connection, 64-byte messages", "msg/s"),
            new Rate("rr100_rate", "100 connections, 64-byte messages", "msg/s"),
            new Rate("bulk_mibs", "bulk, one connection", "MiB/s"));

    private final Map<String, Map<String, Double>> results; // server -> metric -> value
    private final Map<String, String> env;
    private final String peer;

    private EchoReport(Map<String, Map<String, Double>> results, Map<String, String> env) {
        this.results = results;
        this.env = env;
        this.peer = results.keySet().iterator().next();
    }

    public static void main(String[] args) throws IOException {
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] f = line.split(",");
            if (f.length == 3 && !f[2].isBlank()) {
                results.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[1], Double.parseDouble(f[2]));
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        EchoReport report = new EchoReport(results, env);
        Files.writeString(Path.of(args[2]), report.svg());
        System.out.print(report.markdown(Path.of(args[2]).getFileName().toString()));
    }

    // ---- markdown ----------------------------------------------------------------------------------

    String markdown(String chartFile) {
        StringBuilder md = new StringBuilder();
        md.append("Measured ").append(env.getOrDefault("date", "?")).append(" on ").append(env.getOrDefault("cpu", "?"))
                .append(", ").append(env.getOrDefault("kernel", "?")).append(", Java ").append(env.getOrDefault("java", "?"))
                .append(". Each server ran alone, pinned to core 0 (`taskset -c 0`); the load generator, `netsvc bench echo`, ")
                .append("was pinned to core 1. Every run: ").append(env.getOrDefault("warmup", "?")).append(" of warm-up, then ")
                .append(env.getOrDefault("duration", "?")).append(" measured. Same JVM options for every server: `")
                .append(env.getOrDefault("jvm", "")).append("`. Ratios are to ").append(peer)
                .append(" in the same run (higher is better, except memory).\n\n");

        md.append("| server | 1 conn, msg/s | × | 100 conn, msg/s | × | bulk, MiB/s | × | bytes per idle connection | × |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String server : results.keySet()) {
            md.append("| ").append(server);
            for (String metric : List.of("rr1_rate", "rr100_rate", "bulk_mibs", "idle_total")) {
                md.append(" | ").append(whole(value(server, metric))).append(" | ").append(ratio(server, metric));
            }
            md.append(" |\n");
        }
        md.append("\n![Echo rates, ratio to ").append(peer).append("](").append(chartFile).append(")\n\n");
        List<String> altBuffer = results.keySet().stream().filter(sv -> !Double.isNaN(value(sv, "bulkalt_mibs"))).toList();
        if (!altBuffer.isEmpty()) {
            md.append("echo-blocking and echo-async read into one buffer per connection, which grows up to `buffer-size` ")
                    .append("(256k by default) while the shared `buffer-budget` has room, and read again only once it is ")
                    .append("echoed. The same bulk run with `buffer-size=").append(env.getOrDefault("alt-buffer", "?"))
                    .append("`:\n\n| server | bulk, MiB/s | × |\n|---|---:|---:|\n");
            for (String server : altBuffer) {
                double v = value(server, "bulkalt_mibs");
                md.append("| ").append(server).append(" | ").append(number(v)).append(" | ")
                        .append(String.format(Locale.ROOT, "%.2f", v / value(peer, "bulk_mibs"))).append(" |\n");
            }
            md.append('\n');
        }

        md.append("Latency of the request/response runs (round trip of one 64-byte message, milliseconds) and the ")
                .append("CPU each side used (1.00 = one core busy; the server is capped at one core, so a server at ")
                .append("1.00 is the bottleneck, and a load generator well below 1.00 is not):\n\n");
        md.append("| server | 1 conn p50 / p99 / p99.9 | 100 conn p50 / p99 / p99.9 | server CPU 1 / 100 / bulk | generator CPU 1 / 100 / bulk |\n");
        md.append("|---|---:|---:|---:|---:|\n");
        for (String server : results.keySet()) {
            md.append("| ").append(server)
                    .append(" | ").append(triple(server, "rr1_p50", "rr1_p99", "rr1_p999", "%.3f"))
                    .append(" | ").append(triple(server, "rr100_p50", "rr100_p99", "rr100_p999", "%.3f"))
                    .append(" | ").append(triple(server, "rr1_server_cpu", "rr100_server_cpu", "bulk_server_cpu", "%.2f"))
                    .append(" | ").append(triple(server, "rr1_client_cpu", "rr100_client_cpu", "bulk_client_cpu", "%.2f"))
                    .append(" |\n");
        }
        if (results.values().stream().anyMatch(m -> m.containsKey("sys_total"))) {
            md.append("\nSystem calls the server made per message on 100 connections (`perf stat`, ")
                    .append(env.getOrDefault("syscall-messages", "?")).append(" messages):\n\n");
            md.append("| server | total | read | write | epoll_wait | epoll_ctl | futex |\n|---|---:|---:|---:|---:|---:|---:|\n");
            for (String server : results.keySet()) {
                md.append("| ").append(server);
                for (String call : List.of("total", "read", "write", "epoll_wait", "epoll_ctl", "futex")) {
                    double v = value(server, "sys_" + call);
                    md.append(" | ").append(Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v));
                }
                md.append(" |\n");
            }
        }
        md.append("\nMemory per idle connection = (Java heap in use after a full GC + resident memory outside the ")
                .append("heap), with ").append(env.getOrDefault("idle", "?"))
                .append(" idle connections open minus none, divided by their number, on a freshly started server after ")
                .append("2 s of load and one round of opening and closing as many connections (so that the JIT compiling ")
                .append("the connection set-up, or tables growing for the first time, is not counted as connection memory); ")
                .append("the heap is fixed and pre-touched, so resident growth is memory outside it (never counted below ")
                .append("zero: memory the first round leaves behind can be handed back meanwhile). Bytes:\n\n");
        md.append("| server | heap | outside the heap | total |\n|---|---:|---:|---:|\n");
        for (String server : results.keySet()) {
            md.append("| ").append(server).append(" | ").append(whole(value(server, "idle_heap")))
                    .append(" | ").append(whole(value(server, "idle_native")))
                    .append(" | ").append(whole(value(server, "idle_total"))).append(" |\n");
        }
        return md.toString();
    }

    private double value(String server, String metric) {
        return results.getOrDefault(server, Map.of()).getOrDefault(metric, Double.NaN);
    }

    private String ratio(String server, String metric) {
        double r = value(server, metric) / value(peer, metric);
        return Double.isNaN(r) || Double.isInfinite(r) ? "–" : String.format(Locale.ROOT, "%.2f", r);
    }

    private String triple(String server, String a, String b, String c, String format) {
        List<String> parts = new ArrayList<>();
        for (String metric : List.of(a, b, c)) {
            double v = value(server, metric);
            parts.add(Double.isNaN(v) ? "–" : String.format(Locale.ROOT, format, v));
        }
        return String.join(" / ", parts);
    }

    private static String whole(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    // ---- chart -------------------------------------------------------------------------------------

    /** One panel per rate, one bar per server, each labelled with its value and its ratio to the peer. */
    String svg() {
        int panelWidth = 300;
        int barWidth = 46;
        int gap = 20;
        int top = 90; // room for the panel title and the tallest bar's two labels
        int plotHeight = 220;
        int width = panelWidth * RATES.size() + 40;
        int height = top + plotHeight + 90;
        String[] colours = {"#8c8c8c", "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1"};
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"20\" y=\"24\" font-size=\"16\" font-weight=\"bold\">Echo servers: rates (label: value, ratio to %s)</text>%n",
                escape(peer)));
        List<String> servers = new ArrayList<>(results.keySet());
        for (int p = 0; p < RATES.size(); p++) {
            Rate rate = RATES.get(p);
            int x0 = 20 + p * panelWidth;
            double max = servers.stream().mapToDouble(s -> value(s, rate.metric())).filter(v -> !Double.isNaN(v)).max().orElse(1);
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s (%s)</text>%n",
                    x0, top - 38, escape(rate.title()), rate.unit()));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                    x0, top + plotHeight, x0 + servers.size() * (barWidth + gap), top + plotHeight));
            for (int i = 0; i < servers.size(); i++) {
                double v = value(servers.get(i), rate.metric());
                int h = Double.isNaN(v) ? 0 : (int) Math.round(plotHeight * v / max);
                int x = x0 + i * (barWidth + gap) + gap / 2;
                int y = top + plotHeight - h;
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                        x, y, barWidth, h, colours[i % colours.length]));
                svg.append(String.format(Locale.ROOT,
                        "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">%s</text>%n",
                        x + barWidth / 2, y - 16, number(v)));
                svg.append(String.format(Locale.ROOT,
                        "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">%s×</text>%n",
                        x + barWidth / 2, y - 4, ratio(servers.get(i), rate.metric())));
                svg.append(String.format(Locale.ROOT,
                        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"10\" transform=\"rotate(-35 %d %d)\">%s</text>%n",
                        x + barWidth / 2, top + plotHeight + 14, x + barWidth / 2, top + plotHeight + 14,
                        escape(servers.get(i))));
            }
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
