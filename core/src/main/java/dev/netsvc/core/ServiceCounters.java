package dev.netsvc.core;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Named event counters of one service ({@code tcp.connections.accepted}, {@code udp.dropped.rate-limit-source},
 * ...), and its latency histograms ({@code tcp.connection.seconds}, ...). Cheap under contention; the
 * supervisor reads them live (status, metrics) and keeps one set per service across restarts, so they are
 * totals. Counters are declared as {@link Counter} constants, histograms as {@link Histogram} constants
 * ({@link Counters} has core's and the shipped plugins').
 */
public final class ServiceCounters {

    private final ConcurrentHashMap<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Latencies> histograms = new ConcurrentHashMap<>();

    /** The counter called {@code name}, created at zero on first use. Hold it in a field on hot paths. */
    public LongAdder counter(String name) {
        return counters.computeIfAbsent(name, n -> new LongAdder());
    }

    /** The counter {@code counter} declares, created at zero on first use; a group's members go by name. */
    public LongAdder counter(Counter counter) {
        if (counter.isGroup()) {
            throw new IllegalArgumentException(counter.name() + " is a group of counters: name a member");
        }
        return counter(counter.name());
    }

    public void increment(String name) {
        counter(name).increment();
    }

    public void add(String name, long amount) {
        counter(name).add(amount);
    }

    /** The current value of {@code name}; zero if it was never touched. */
    public long get(String name) {
        LongAdder adder = counters.get(name);
        return adder == null ? 0 : adder.sum();
    }

    /** The current value of the counter {@code counter} declares. */
    public long get(Counter counter) {
        return get(counter.name());
    }

    /** Every counter, sorted by name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((name, adder) -> out.put(name, adder.sum()));
        return out;
    }

    /**
     * The histogram {@code histogram} declares, created empty on first use. Hold it in a field. A service
     * started again with another declaration of the same name (a new version of its plugin with other
     * buckets) starts it afresh, as a counter that went back to zero.
     */
    public Latencies histogram(Histogram histogram) {
        return histograms.compute(histogram.name(),
                (name, kept) -> kept != null && kept.histogram().equals(histogram) ? kept : new Latencies(histogram));
    }

    /** Every histogram's counts now, sorted by name. */
    public Map<String, Latencies.Snapshot> histograms() {
        Map<String, Latencies.Snapshot> out = new TreeMap<>();
        histograms.forEach((name, latencies) -> out.put(name, latencies.snapshot()));
        return out;
    }
}
