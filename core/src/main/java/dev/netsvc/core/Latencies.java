package dev.netsvc.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of one {@link Histogram}: how many durations fell into each bucket, and their sum. Recording
 * is a few comparisons and two adds, with no lock and no allocation, from any number of threads; the host
 * reads a {@link #snapshot} at each scrape. Take it once ({@code context.counters().histogram(H)}) and keep
 * it in a field.
 */
public final class Latencies {

    private final Histogram histogram;
    private final long[] boundsNanos;
    private final LongAdder[] counts; // one per bucket, and the last for +Inf
    private final LongAdder sumNanos = new LongAdder();

    Latencies(Histogram histogram) {
        this.histogram = histogram;
        List<Double> buckets = histogram.buckets();
        this.boundsNanos = new long[buckets.size()];
        for (int i = 0; i < boundsNanos.length; i++) {
            boundsNanos[i] = Math.round(buckets.get(i) * 1e9);
        }
        this.counts = new LongAdder[buckets.size() + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** What this counts. */
    public Histogram histogram() {
        return histogram;
    }

    /** One duration, in nanoseconds ({@link System#nanoTime} differences); a negative one counts as 0. */
    public void recordNanos(long nanos) {
        long n = Math.max(0, nanos);
        int i = 0;
        while (i < boundsNanos.length && n > boundsNanos[i]) {
            i++;
        }
        counts[i].increment();
        sumNanos.add(n);
    }

    /** One duration. */
    public void record(Duration duration) {
        recordNanos(duration.toNanos());
    }

    /** The counts now: each bucket's own (not cumulative; the last is {@code +Inf}'s), and the sum. */
    public Snapshot snapshot() {
        long[] c = new long[counts.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts[i].sum();
        }
        return new Snapshot(histogram, c, sumNanos.sum() / 1e9);
    }

    /**
     * A histogram's counts at one moment.
     *
     * @param counts     per bucket of {@link Histogram#buckets()}, then the durations above the last bound;
     *                   not cumulative
     * @param sumSeconds the sum of every duration recorded
     */
    public record Snapshot(Histogram histogram, long[] counts, double sumSeconds) {
        public Snapshot {
            counts = counts.clone();
        }

        @Override
        public long[] counts() {
            return counts.clone();
        }

        /** How many durations were recorded. */
        public long count() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            return n;
        }
    }
}
