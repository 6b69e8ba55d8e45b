package dev.netsvc.echo.selector;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyHistogramTest {

    @Test
    void smallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 100; v++) {
            h.record(v);
        }
        assertEquals(50, h.percentile(0.50));
        assertEquals(99, h.percentile(0.99));
        assertEquals(100, h.percentile(1.0));
        assertEquals(100, h.max());
        assertEquals(100, h.count());
    }

    @Test
    void largeValuesAreWithinTwoPercent() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 1; v <= 1_000_000; v++) {
            h.record(v * 1000); // 1 µs .. 1 s
        }
        for (double p : new double[] {0.5, 0.9, 0.99, 0.999}) {
            double expected = p * 1e9;
            double got = h.percentile(p);
            assertTrue(Math.abs(got - expected) / expected < 0.02, p + ": " + got + " vs " + expected);
        }
    }

    @Test
    void bucketsCoverEveryLongWithoutGaps() {
        java.util.TreeSet<Long> values = new java.util.TreeSet<>();
        for (int shift = 0; shift < 63; shift++) {
            values.addAll(List.of(1L << shift, (1L << shift) + 1, (1L << (shift + 1)) - 1));
        }
        int last = -1;
        for (long v : values) {
            int i = LatencyHistogram.index(v);
            assertTrue(i >= last, "index grows with the value at " + v);
            long middle = LatencyHistogram.middle(i);
            assertTrue(Math.abs(middle - v) <= Math.max(1, v / 64), v + " lies near the middle of its bucket " + middle);
            last = i;
        }
        LatencyHistogram h = new LatencyHistogram();
        h.record(Long.MAX_VALUE);
        h.record(-5);
        assertEquals(2, h.count());
    }

    @Test
    void emptyAndReset() {
        LatencyHistogram h = new LatencyHistogram();
        assertEquals(0, h.percentile(0.99));
        h.record(1234);
        h.reset();
        assertEquals(0, h.count());
        assertEquals(0, h.max());
    }
}
