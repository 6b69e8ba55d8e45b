package dev.netsvc.bench.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns bench/http.sh's results.csv into a Markdown table with ratios (printed, and with write=1 put
 * between the markers of docs/benchmarks.md) and an SVG bar chart.
 * Usage: {@code HttpReport RESULTS.csv WRITE(0|1) BENCHMARKS.md CHART.svg}
 */
public final class HttpReport {

    static final String BEGIN = "<!-- bench/http.sh results: begin -->";
    static final String END = "<!-- bench/http.sh results: end -->";
    private static final String SUBJECT = "http-raw (selector)";

    record Row(String server, double rps, String p50, String p99, String errors) {
    }

    private HttpReport() {
    }

    public static void main(String[] args) throws IOException {
        List<Row> rows = read(Path.of(args[0]));
        String table = table(rows);
        System.out.println();
        System.out.print(table);
        if (args[1].equals("1")) {
            Path doc = Path.of(args[2]);
            String text = Files.readString(doc);
            int begin = text.indexOf(BEGIN);
            int end = text.indexOf(END);
            if (begin < 0 || end < begin) {
                throw new IllegalStateException(doc + " lacks the markers " + BEGIN + " ... " + END);
            }
            Files.writeString(doc, text.substring(0, begin + BEGIN.length()) + "\n" + table + text.substring(end));
            Files.writeString(Path.of(args[3]), svg(rows));
            System.out.println("updated " + doc + " and " + args[3]);
        }
    }

    static List<Row> read(Path csv) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
            String[] f = line.split(",", -1);
            rows.add(new Row(f[0], f[1].isEmpty() ? 0 : Double.parseDouble(f[1]), f[2], f[3], f[4].strip()));
        }
        return rows;
    }

    static String table(List<Row> rows) {
        double subject = rows.stream().filter(r -> r.server().equals(SUBJECT)).mapToDouble(Row::rps).findFirst().orElse(0);
        StringBuilder out = new StringBuilder();
        out.append("| server | requests/s | latency p50 | latency p99 | http-raw ÷ server | errors |\n");
        out.append("|--------|-----------:|------------:|------------:|------------------:|--------|\n");
        for (Row r : rows) {
            String ratio = r.server().equals(SUBJECT) ? "1.00× (subject)"
                    : r.rps() == 0 ? "n/a" : String.format(Locale.ROOT, "**%.2f×**", subject / r.rps());
            out.append(String.format(Locale.ROOT, "| %s | %,.0f | %s | %s | %s | %s |%n", r.server(), r.rps(), r.p50(),
                    r.p99(), ratio, r.errors().equals("none") ? "none" : r.errors()));
        }
        return out.toString();
    }

    static String svg(List<Row> rows) {
        double subject = rows.stream().filter(r -> r.server().equals(SUBJECT)).mapToDouble(Row::rps).findFirst().orElse(0);
        int barHeight = 28;
        int gap = 12;
        int labelWidth = 180;
        int chartWidth = 520;
        int top = 40;
        int height = top + rows.size() * (barHeight + gap) + 30;
        double max = rows.stream().mapToDouble(Row::rps).max().orElse(1);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"13\">%n", labelWidth + chartWidth + 200, height));
        svg.append("  <title>HTTP requests per second, wrk -c64 keep-alive, server on one core</title>\n");
        svg.append("  <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "  <text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">"
                + "HTTP requests/s (wrk, 64 keep-alive connections, server pinned to one core)</text>%n"));
        int y = top;
        for (Row r : rows) {
            int width = (int) Math.round(chartWidth * r.rps() / max);
            String color = r.server().startsWith("http-raw") ? "#2b6cb0" : "#a0aec0";
            svg.append(String.format(Locale.ROOT, "  <text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    labelWidth - 8, y + barHeight / 2 + 5, escape(r.server())));
            svg.append(String.format(Locale.ROOT, "  <rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                    labelWidth, y, Math.max(1, width), barHeight, color));
            String ratio = r.server().equals(SUBJECT) || r.rps() == 0 ? ""
                    : String.format(Locale.ROOT, "  (http-raw %.2f×)", subject / r.rps());
            svg.append(String.format(Locale.ROOT, "  <text x=\"%d\" y=\"%d\">%,.0f%s</text>%n",
                    labelWidth + width + 6, y + barHeight / 2 + 5, r.rps(), ratio));
            y += barHeight + gap;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
