package dev.netsvc.launcher.admin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A Prometheus text exposition as the Prometheus project's own Python client parses it
 * ({@code prometheus_client.parser.text_string_to_metric_families}, Debian's python3-prometheus-client),
 * run as a child process: what a real scraper would read, not what our writer meant to write.
 */
public final class PrometheusParser {

    /** Prints each family as F, name, type and each sample as S, name, sorted labels, value; tab-separated. */
    private static final String SCRIPT = """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            for f in text_string_to_metric_families(sys.stdin.read()):
                print("F\\t%s\\t%s" % (f.name, f.type))
                for s in f.samples:
                    labels = ",".join('%s="%s"' % (k, s.labels[k]) for k in sorted(s.labels))
                    print("S\\t%s{%s}\\t%r" % (s.name, labels, float(s.value)))
            """;

    /** What the parser read: family types by name, sample values by {@link #key}. */
    public record Metrics(Map<String, String> types, Map<String, Double> samples) {

        /** The value of the sample {@code name{labels}}; fails the test, listing the family, when absent. */
        public double value(String name, String... labels) {
            String key = key(name, labels);
            Double v = samples.get(key);
            if (v == null) {
                Map<String, Double> same = new TreeMap<>();
                samples.forEach((k, val) -> {
                    if (k.startsWith(name + "{")) {
                        same.put(k, val);
                    }
                });
                throw new AssertionError("no sample " + key + "; samples of " + name + ": " + same);
            }
            return v;
        }

        public boolean has(String name, String... labels) {
            return samples.containsKey(key(name, labels));
        }
    }

    private PrometheusParser() {
    }

    /** Debian's python3 with the parser; skips or fails (CI) when missing. */
    public static Path python() {
        Path python = ExternalTool.find(List.of("/usr/bin/python3"));
        boolean ok = python != null && ExternalTool.run(Duration.ofSeconds(30), "",
                List.of(python.toString(), "-c", "import prometheus_client.parser")).exitCode() == 0;
        ExternalTool.require(ok, "/usr/bin/python3 with prometheus_client is not installed "
                + "(Debian package python3-prometheus-client; .ci/install-tools installs it)");
        return python;
    }

    /** Parses {@code exposition}; fails the test with the parser's message when it does not parse. */
    public static Metrics parse(String exposition) {
        ExternalTool.Output out = ExternalTool.run(Duration.ofSeconds(60), exposition,
                List.of(python().toString(), "-c", SCRIPT));
        assertEquals(0, out.exitCode(), () -> "the Prometheus parser rejects the exposition: " + out + "\n--- input\n" + exposition);
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : out.stdout().lines().toList()) {
            String[] f = line.split("\t");
            if (f[0].equals("F")) {
                types.put(f[1], f[2]);
            } else {
                samples.put(f[1], Double.parseDouble(f[2]));
            }
        }
        return new Metrics(types, samples);
    }

    /** {@code name{a="1",b="2"}} with the labels sorted by name, as the script prints samples. */
    public static String key(String name, String... labels) {
        Map<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            sorted.put(labels[i], labels[i + 1]);
        }
        StringBuilder b = new StringBuilder(name).append('{');
        sorted.forEach((k, v) -> b.append(b.charAt(b.length() - 1) == '{' ? "" : ",").append(k).append("=\"").append(v).append('"'));
        return b.append('}').toString();
    }
}
