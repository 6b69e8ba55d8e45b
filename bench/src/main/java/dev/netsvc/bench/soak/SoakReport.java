package dev.netsvc.bench.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a soak run's samples into the "Soak" section of docs/reliability.md and an SVG line chart: RSS,
 * heap after GC, threads and open descriptors over time, with the soak's events (restart, plugin
 * replacement) marked; a table of the load with its failed requests; and whether each resource is flat.
 *
 * <p>Usage: {@code SoakReport WORK_DIR RELIABILITY.md CHART.svg}. WORK_DIR holds {@code samples.csv}
 * ({@code seconds,rss_kib,heap_kib,threads,fds}), {@code load.csv} ({@code load,requests,failed,counted})
 * and {@code events.csv} ({@code seconds,event}), each with a header line; {@code run.txt} holds a line describing the run.
 * The section between {@code <!-- soak:begin -->} and {@code <!-- soak:end -->} is replaced.
 */
public final class SoakReport {

    /** One sample of the host process. */
    record Sample(double seconds, double rssMib, double heapMib, int threads, int fds) {
    }

    record Load(String name, long requests, long failed, boolean counted) {
    }

    record Event(double seconds, String what) {
    }

    /** How much growth from start to end still counts as flat, per resource. */
    private static final double RSS_SLACK_MIB = 32;
    private static final double HEAP_SLACK_MIB = 16;
    private static final int THREAD_SLACK = 4;
    private static final int FD_SLACK = 16;

    private final List<Sample> samples;
    private final List<Load> loads;
    private final List<Event> events;
    private final String run;

    SoakReport(List<Sample> samples, List<Load> loads, List<Event> events, String run) {
        this.samples = samples;
        this.loads = loads;
        this.events = events;
        this.run = run;
    }

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args[0]);
        List<Sample> samples = new ArrayList<>();
        for (String[] f : rows(work.resolve("samples.csv"))) {
            samples.add(new Sample(Double.parseDouble(f[0]), Double.parseDouble(f[1]) / 1024, Double.parseDouble(f[2]) / 1024,
                    Integer.parseInt(f[3]), Integer.parseInt(f[4])));
        }
        List<Load> loads = new ArrayList<>();
        for (String[] f : rows(work.resolve("load.csv"))) {
            loads.add(new Load(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), f[3].equals("yes")));
        }
        List<Event> events = new ArrayList<>();
        for (String[] f : rows(work.resolve("events.csv"))) {
            events.add(new Event(Double.parseDouble(f[0]), f[1]));
        }
        String run = Files.exists(work.resolve("run.txt")) ? Files.readString(work.resolve("run.txt")).strip() : "";
        SoakReport report = new SoakReport(samples, loads, events, run);
        Path doc = Path.of(args[1]);
        Path chart = Path.of(args[2]);
        String text = Files.readString(doc);
        int begin = text.indexOf("<!-- soak:begin -->");
        int end = text.indexOf("<!-- soak:end -->");
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(doc + " has no <!-- soak:begin --> ... <!-- soak:end --> section");
        }
        String section = "<!-- soak:begin -->\n" + report.markdown(chart.getFileName().toString()) + "\n";
        Files.writeString(doc, text.substring(0, begin) + section + text.substring(end));
        Files.writeString(chart, report.svg());
        System.out.print(report.markdown(chart.getFileName().toString()));
    }

    private static List<String[]> rows(Path csv) throws IOException {
        List<String[]> rows = new ArrayList<>();
        if (!Files.exists(csv)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) { // the first line is the header
            if (!line.isBlank()) {
                rows.add(line.split(",", -1));
            }
        }
        return rows;
    }

    String markdown(String chartName) {
        StringBuilder md = new StringBuilder();
        md.append(run).append("\n\n");
        md.append("| load | requests | failed | counted |\n|---|---:|---:|---|\n");
        long failed = 0;
        for (Load l : loads) {
            md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %s |%n", l.name(), l.requests(), l.failed(),
                    l.counted() ? "yes" : "no (the service restarted or replaced on purpose)"));
            failed += l.counted() ? l.failed() : 0;
        }
        md.append(String.format(Locale.ROOT, "%nFailed requests outside the service being restarted: **%,d** (target 0).%n%n", failed));
        if (!events.isEmpty()) {
            md.append("Events: ");
            List<String> e = new ArrayList<>();
            events.forEach(ev -> e.add(String.format(Locale.ROOT, "%.0f s %s", ev.seconds(), ev.what())));
            md.append(String.join("; ", e)).append(".\n\n");
        }
        md.append("| resource | start | peak | end | flat (end within start + slack) |\n|---|---:|---:|---:|---|\n");
        if (!samples.isEmpty()) {
            Sample first = atStart();
            Sample last = samples.get(samples.size() - 1);
            md.append(row("RSS (MiB)", first.rssMib(), samples.stream().mapToDouble(Sample::rssMib).max().orElse(0), last.rssMib(), RSS_SLACK_MIB));
            md.append(row("heap after GC (MiB)", first.heapMib(), samples.stream().mapToDouble(Sample::heapMib).max().orElse(0), last.heapMib(), HEAP_SLACK_MIB));
            md.append(row("threads", first.threads(), samples.stream().mapToInt(Sample::threads).max().orElse(0), last.threads(), THREAD_SLACK));
            md.append(row("open descriptors", first.fds(), samples.stream().mapToInt(Sample::fds).max().orElse(0), last.fds(), FD_SLACK));
        }
        md.append("\n![soak: RSS, heap after GC, threads and descriptors over time](").append(chartName).append(")\n");
        return md.toString();
    }

    /** The first sample after the load is up (the first 10% of the run are its ramp). */
    private Sample atStart() {
        double end = samples.get(samples.size() - 1).seconds();
        return samples.stream().filter(s -> s.seconds() >= end * 0.1).findFirst().orElse(samples.get(0));
    }

    private static String row(String name, double start, double peak, double end, double slack) {
        boolean flat = end <= start + slack;
        String f = name.contains("MiB") ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, "| %s | " + f + " | " + f + " | " + f + " | %s |%n", name, start, peak, end,
                flat ? "yes (slack " + fmt(slack) + ")" : "**no** (grew " + fmt(end - start) + ", slack " + fmt(slack) + ")");
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** Four panels, one per resource, sharing the time axis; events as dashed vertical lines. */
    String svg() {
        int width = 760;
        int panelHeight = 120;
        int left = 70;
        int right = 20;
        int top = 30;
        int gap = 40;
        String[] titles = {"RSS (MiB)", "heap after GC (MiB)", "threads", "open descriptors"};
        int height = top + titles.length * (panelHeight + gap) + 10;
        double tMax = samples.isEmpty() ? 1 : Math.max(1, samples.get(samples.size() - 1).seconds());
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-weight=\"bold\">netsvc soak: the host process over %.0f s of mixed load</text>%n", left, tMax));
        for (int p = 0; p < titles.length; p++) {
            int y0 = top + p * (panelHeight + gap) + 20;
            int y1 = y0 + panelHeight;
            double max = 1;
            for (Sample s : samples) {
                max = Math.max(max, value(s, p));
            }
            max = niceCeiling(max * 1.1);
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n", left, y0 - 6, titles[p]));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", left, y1, width - right, y1));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", left, y0, left, y1));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", left - 4, y0 + 4, fmt(max)));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>%n", left - 4, y1));
            for (Event e : events) {
                double x = left + (width - left - right) * e.seconds() / tMax;
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c33\" stroke-dasharray=\"4,3\"/>%n", x, y0, x, y1));
                if (p == 0) {
                    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#c33\" font-size=\"10\">%s</text>%n", x + 3, y0 + 10, e.what()));
                }
            }
            StringBuilder points = new StringBuilder();
            for (Sample s : samples) {
                double x = left + (width - left - right) * s.seconds() / tMax;
                double y = y1 - panelHeight * value(s, p) / max;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"#36c\" stroke-width=\"1.5\" points=\"%s\"/>%n", points.toString().strip()));
            if (p == titles.length - 1) {
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f s</text>%n", width - right, y1 + 16, tMax));
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">0 s</text>%n", left, y1 + 16));
            }
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static double value(Sample s, int panel) {
        return switch (panel) {
            case 0 -> s.rssMib();
            case 1 -> s.heapMib();
            case 2 -> s.threads();
            default -> s.fds();
        };
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
