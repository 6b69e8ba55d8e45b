package dev.netsvc.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A latency histogram declared once: its name in {@link ServiceCounters}, the family {@code /metrics}
 * exports it in, its labels there (besides {@code service}), and its buckets, the upper bounds in seconds.
 * The buckets are fixed and few (at most {@value #MAX_BUCKETS}), so a histogram's memory is fixed whatever
 * it records. Record into it through {@code context.counters().histogram(DECLARATION)}.
 *
 * <p>Core's engines keep the ones in {@link Counters} (every TCP connection's duration, every framed
 * request's and datagram's); a plugin's own is declared with {@link #of(String)} and exported as
 * {@code netsvc_service_duration_seconds{histogram="<name>"}}:
 * <pre>{@code
 * static final Histogram LOOKUP = Histogram.of("dictionary.lookup");
 * Latencies lookups = context.counters().histogram(LOOKUP);   // once, in start
 * long t0 = System.nanoTime();
 * ...
 * lookups.recordNanos(System.nanoTime() - t0);                // per lookup
 * }</pre>
 *
 * @param name    lower case words joined by '.', like a counter's
 * @param family  a {@link MetricFamily.Kind#HISTOGRAM} family
 * @param labels  a value for each of the family's labels
 * @param buckets upper bounds in seconds, increasing; the {@code +Inf} bucket is implied
 */
public record Histogram(String name, MetricFamily family, Map<String, String> labels, List<Double> buckets) {

    /** The most buckets a histogram may have (Prometheus' own defaults have 11). */
    public static final int MAX_BUCKETS = 32;

    /** For a request's duration: 100 µs to 10 s, in the 1-2.5-5 steps Prometheus uses. */
    public static final List<Double> REQUEST_BUCKETS = List.of(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
            0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

    /** For a connection's duration: 1 ms to an hour. */
    public static final List<Double> CONNECTION_BUCKETS = List.of(0.001, 0.01, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0,
            60.0, 300.0, 900.0, 3600.0);

    public Histogram {
        if (!name.matches("[a-z0-9][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)*")) {
            throw new IllegalArgumentException("histogram name '" + name + "': expected lower case words joined by '.'");
        }
        if (family.kind() != MetricFamily.Kind.HISTOGRAM) {
            throw new IllegalArgumentException("histogram " + name + ": " + family.name() + " is not a histogram family");
        }
        labels = Map.copyOf(labels);
        if (!labels.keySet().equals(Set.copyOf(family.labels()))) {
            throw new IllegalArgumentException("histogram " + name + ": " + family.name() + " needs a value for exactly "
                    + family.labels() + ", not " + labels.keySet());
        }
        buckets = List.copyOf(buckets);
        if (buckets.isEmpty() || buckets.size() > MAX_BUCKETS) {
            throw new IllegalArgumentException("histogram " + name + ": 1 to " + MAX_BUCKETS + " buckets, not " + buckets.size());
        }
        double last = 0;
        for (double bound : buckets) {
            if (!(bound > last) || Double.isInfinite(bound)) {
                throw new IllegalArgumentException("histogram " + name + ": bucket bounds must be positive, finite and"
                        + " increasing: " + buckets);
            }
            last = bound;
        }
        Objects.requireNonNull(family, "family");
    }

    /** A latency histogram of a plugin's own, with {@link #REQUEST_BUCKETS}. */
    public static Histogram of(String name) {
        return of(name, REQUEST_BUCKETS);
    }

    /** A latency histogram of a plugin's own with its own buckets (seconds). */
    public static Histogram of(String name, List<Double> buckets) {
        return new Histogram(name, Counters.SERVICE_DURATIONS, Map.of("histogram", name), buckets);
    }
}
