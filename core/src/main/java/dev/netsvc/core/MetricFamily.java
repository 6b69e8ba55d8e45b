package dev.netsvc.core;

import java.util.List;
import java.util.Objects;

/**
 * A metric family of the host's {@code /metrics} (Prometheus text exposition): what the service counters
 * declared in {@link Counters}, and the latency histograms ({@link Histogram}), are exported as. Every
 * sample also carries the label {@code service}.
 *
 * @param name   the family's name, without the {@code _total} the text format adds to a counter; a
 *               histogram's ends in {@code _seconds} (Prometheus names a unit, in base units)
 * @param kind   counter (only goes up), gauge, or histogram
 * @param help   one line for the {@code # HELP} comment
 * @param labels the labels besides {@code service}
 */
public record MetricFamily(String name, Kind kind, String help, List<String> labels) {

    /** Whether the family only goes up (a counter), goes both ways (a gauge), or counts durations in buckets. */
    public enum Kind { COUNTER, GAUGE, HISTOGRAM }

    public MetricFamily {
        Objects.requireNonNull(kind, "kind");
        if (!name.matches("netsvc_[a-z_]+") || name.endsWith("_total")) {
            throw new IllegalArgumentException("metric family '" + name + "': expected netsvc_ and lower case words, without _total");
        }
        if (kind == Kind.HISTOGRAM && !name.endsWith("_seconds")) {
            throw new IllegalArgumentException("histogram family '" + name + "': a latency histogram's name ends in _seconds");
        }
        if (help.isBlank()) {
            throw new IllegalArgumentException("metric family " + name + " needs a help line");
        }
        labels = List.copyOf(labels);
    }

    /** The name a sample of it has in the text format: {@code _total} added to a counter's (a histogram's has {@code _bucket}, {@code _sum}, {@code _count}). */
    public String sampleName() {
        return kind == Kind.COUNTER ? name + "_total" : name;
    }
}
