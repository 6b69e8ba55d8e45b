package dev.netsvc.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Latency histograms: their declaration's rules, the bucket each duration falls in, totals across restarts. */
class LatenciesTest {

    private static final Histogram LOOKUP = Histogram.of("dictionary.lookup", List.of(0.001, 0.01, 0.1));

    @Test
    void eachDurationFallsInTheFirstBucketThatHoldsIt() {
        Latencies l = new ServiceCounters().histogram(LOOKUP);
        l.record(Duration.ofNanos(1));
        l.record(Duration.ofMillis(1)); // on the bound: that bucket (Prometheus' le is "less or equal")
        l.record(Duration.ofMillis(5));
        l.record(Duration.ofMillis(100));
        l.record(Duration.ofSeconds(3));
        l.recordNanos(-7); // a clock that went back counts as 0
        Latencies.Snapshot s = l.snapshot();
        assertArrayEquals(new long[] {3, 1, 1, 1}, s.counts());
        assertEquals(6, s.count());
        assertEquals(3.106000001, s.sumSeconds(), 1e-9);
    }

    @Test
    void aPluginsHistogramIsExportedUnderItsName() {
        assertEquals(Counters.SERVICE_DURATIONS, LOOKUP.family());
        assertEquals(Map.of("histogram", "dictionary.lookup"), LOOKUP.labels());
        assertEquals(Histogram.REQUEST_BUCKETS, Histogram.of("x").buckets());
    }

    @Test
    void theSameDeclarationKeepsItsCountsAndAnotherStartsAfresh() {
        ServiceCounters counters = new ServiceCounters();
        counters.histogram(LOOKUP).record(Duration.ofMillis(2));
        assertSame(counters.histogram(LOOKUP), counters.histogram(Histogram.of("dictionary.lookup", List.of(0.001, 0.01, 0.1))));
        assertEquals(1, counters.histograms().get("dictionary.lookup").count());
        counters.histogram(Histogram.of("dictionary.lookup", List.of(1.0)));
        assertEquals(0, counters.histograms().get("dictionary.lookup").count(), "other buckets: a new histogram");
    }

    @Test
    void badDeclarationsAreRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> Histogram.of("Bad Name"));
        assertThrows(IllegalArgumentException.class, () -> Histogram.of("x", List.of()));
        assertThrows(IllegalArgumentException.class, () -> Histogram.of("x", List.of(0.5, 0.1)));
        assertThrows(IllegalArgumentException.class, () -> Histogram.of("x", java.util.Collections.nCopies(33, 1.0)));
        assertThrows(IllegalArgumentException.class, () -> new Histogram("x", Counters.REQUEST_DURATION, Map.of(), List.of(1.0)),
                "the family's labels need values");
        assertThrows(IllegalArgumentException.class, () -> new MetricFamily("netsvc_lookup_time", MetricFamily.Kind.HISTOGRAM,
                "help", List.of()), "a histogram's name says its unit: _seconds");
        assertThrows(IllegalArgumentException.class, () -> new Histogram("x", Counters.CONNECTIONS_ACCEPTED,
                Map.of("transport", "tcp"), List.of(1.0)), "a counter family holds no histogram");
    }

    @Test
    void everyHistogramCoreKeepsFeedsAListedFamily() {
        for (Histogram h : Counters.HISTOGRAMS) {
            assertEquals(MetricFamily.Kind.HISTOGRAM, h.family().kind());
            assertEquals(true, Counters.FAMILIES.contains(h.family()), h.name());
        }
    }
}
