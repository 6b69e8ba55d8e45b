package dev.netsvc.launcher.admin;

import dev.netsvc.core.Counters;
import dev.netsvc.core.Latencies;
import dev.netsvc.core.MetricFamily;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The services' latency histograms as Prometheus histograms: each {@link Latencies.Snapshot} carries its
 * declaration ({@link dev.netsvc.core.Histogram}), so its family, labels and buckets come with it, whether
 * core declared it or a plugin did. Core's families come first, in {@link Counters#FAMILIES} order, then
 * plugins' own by name. A plugin family whose name another family already has (another plugin's with
 * other labels, or a name of the host's) is left out and said once, so one plugin cannot break the
 * whole exposition.
 */
final class HistogramMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(HistogramMetrics.class);
    private static final Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private HistogramMetrics() {
    }

    /** One service's histogram as a data point: {@code service} and the histogram's labels, its buckets and sum. */
    static HistogramDataPointSnapshot point(Labels service, Latencies.Snapshot h) {
        Labels labels = service;
        for (Map.Entry<String, String> l : h.histogram().labels().entrySet()) {
            labels = labels.add(l.getKey(), l.getValue());
        }
        List<Double> bounds = h.histogram().buckets();
        double[] upper = new double[bounds.size() + 1];
        for (int i = 0; i < bounds.size(); i++) {
            upper[i] = bounds.get(i);
        }
        upper[bounds.size()] = Double.POSITIVE_INFINITY;
        return HistogramDataPointSnapshot.builder().labels(labels).sum(h.sumSeconds())
                .classicHistogramBuckets(ClassicHistogramBuckets.of(upper, h.counts())).build();
    }

    /** Adds a histogram per family to {@code out}, whose names it must not repeat. */
    static void addTo(List<MetricSnapshot> out, Map<MetricFamily, List<HistogramDataPointSnapshot>> byFamily) {
        Set<String> taken = new HashSet<>();
        out.forEach(m -> taken.add(m.getMetadata().getName()));
        List<MetricFamily> order = new ArrayList<>(byFamily.keySet());
        order.sort(Comparator.comparingInt((MetricFamily f) -> {
            int core = Counters.FAMILIES.indexOf(f);
            return core < 0 ? Integer.MAX_VALUE : core;
        }).thenComparing(MetricFamily::name));
        for (MetricFamily family : order) {
            if (!taken.add(family.name())) {
                if (WARNED.add(family.name())) {
                    LOG.warn("/metrics leaves out the histogram family {} of a plugin: another family has that name", family.name());
                }
                continue;
            }
            HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(family.name()).help(family.help());
            Set<Labels> seen = new HashSet<>();
            for (HistogramDataPointSnapshot point : byFamily.get(family)) {
                if (seen.add(point.getLabels())) { // two histograms of one service with the same labels: the first
                    b.dataPoint(point);
                }
            }
            out.add(b.build());
        }
    }
}
