package dev.netsvc.echo.selector;

/**
 * Latencies in nanoseconds, recorded without allocation: values below 128 exactly, larger ones in 64
 * buckets per power of two (under 1.6% error), the layout HdrHistogram uses. Not thread-safe: the load
 * generator records from its single thread.
 */
final class LatencyHistogram {

    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;   // buckets per power of two
    private static final int EXACT = 2 * SUB;      // values below this have their own bucket

    private final long[] counts = new long[EXACT + (63 - SUB_BITS - 1) * SUB];
    private long total;
    private long max;

    void record(long nanos) {
        long v = Math.max(0, nanos);
        counts[index(v)]++;
        total++;
        max = Math.max(max, v);
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    /** Adds {@code other}'s values to these (the TLS load's connections each record their own). */
    void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        max = 0;
    }

    /** The value below which {@code fraction} (0..1] of the recorded values fall; 0 when empty. */
    long percentile(double fraction) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(fraction * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, middle(i));
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < EXACT) {
            return (int) v;
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);      // at least 7
        int shift = msb - SUB_BITS;                        // keeps the top 7 bits: 64..127
        return EXACT + (msb - SUB_BITS - 1) * SUB + (int) ((v >>> shift) - SUB);
    }

    /** The middle of bucket {@code i}'s range of values. */
    static long middle(int i) {
        if (i < EXACT) {
            return i;
        }
        int octave = (i - EXACT) / SUB;
        int shift = octave + 1;
        long lowest = ((long) (SUB + (i - EXACT) % SUB)) << shift;
        return lowest + (1L << shift) / 2;
    }
}
