package dev.netsvc.launcher.admin;

import dev.netsvc.core.Counter;
import dev.netsvc.core.MetricFamily;
import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.supervisor.ServiceStatus;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host's and its services' metrics, read from {@link HostView#services()} at each scrape: nothing on
 * a service's path pays for them. The counter families come from core's declaration ({@link CounterMetrics}),
 * the histograms from each histogram's own ({@link HistogramMetrics}).
 */
final class ServiceMetrics implements MultiCollector {

    private final HostView view;

    ServiceMetrics(HostView view) {
        this.view = view;
    }

    @Override
    public MetricSnapshots collect() {
        List<ServiceStatus> services = view.services();
        List<MetricSnapshot> out = new ArrayList<>();
        out.add(InfoSnapshot.builder().name("netsvc_build").help("the netsvc version running")
                .dataPoint(InfoDataPointSnapshot.builder().labels(Labels.of("version", view.version())).build())
                .build());
        out.add(GaugeSnapshot.builder().name("netsvc_start_time_seconds").help("when the host started, in unix time")
                .dataPoint(gauge(Labels.EMPTY, seconds(view.startedAt()))).build());
        plugins(out);
        if (services.isEmpty()) {
            return new MetricSnapshots(out);
        }

        InfoSnapshot.Builder info = InfoSnapshot.builder().name("netsvc_service")
                .help("the plugin that provides each service, and its version");
        GaugeSnapshot.Builder enabled = GaugeSnapshot.builder().name("netsvc_service_enabled")
                .help("1 if the configuration enables the service");
        GaugeSnapshot.Builder state = GaugeSnapshot.builder().name("netsvc_service_state")
                .help("1 for the state the service is in, 0 for the others");
        GaugeSnapshot.Builder since = GaugeSnapshot.builder().name("netsvc_service_state_timestamp_seconds")
                .help("when the service entered its current state, in unix time");
        CounterSnapshot.Builder restarts = CounterSnapshot.builder().name("netsvc_service_restarts")
                .help("restarts since the host started");
        Map<MetricFamily, Map<Labels, Double>> fed = new LinkedHashMap<>();
        Map<MetricFamily, List<HistogramDataPointSnapshot>> histograms = new LinkedHashMap<>();
        for (ServiceStatus s : services) {
            Labels service = Labels.of("service", s.id());
            info.dataPoint(InfoDataPointSnapshot.builder()
                    .labels(service.add("plugin", s.pluginId()).add("version", s.pluginVersion())).build());
            enabled.dataPoint(gauge(service, s.enabled() ? 1 : 0));
            for (ServiceState st : ServiceState.values()) {
                state.dataPoint(gauge(service.add("state", st.label()), st == s.state() ? 1 : 0));
            }
            since.dataPoint(gauge(service, seconds(s.since())));
            restarts.dataPoint(counter(service, s.restarts()));
            s.counters().forEach((name, value) -> {
                for (Counter.Target t : CounterMetrics.targets(name)) {
                    Labels labels = service;
                    for (Map.Entry<String, String> l : t.labels().entrySet()) {
                        labels = labels.add(l.getKey(), l.getValue());
                    }
                    fed.computeIfAbsent(t.family(), f -> new LinkedHashMap<>()).merge(labels, (double) value, Double::sum);
                }
            });
            s.histograms().values().forEach(h -> histograms.computeIfAbsent(h.histogram().family(), f -> new ArrayList<>())
                    .add(HistogramMetrics.point(service, h)));
        }
        out.add(info.build());
        out.add(enabled.build());
        out.add(state.build());
        out.add(since.build());
        out.add(restarts.build());
        for (MetricFamily family : CounterMetrics.FAMILIES) {
            Map<Labels, Double> points = fed.get(family);
            if (points != null) {
                out.add(snapshot(family, points));
            }
        }
        HistogramMetrics.addTo(out, histograms);
        return new MetricSnapshots(out);
    }

    private static MetricSnapshot snapshot(MetricFamily family, Map<Labels, Double> points) {
        if (family.kind() == MetricFamily.Kind.GAUGE) {
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(family.name()).help(family.help());
            points.forEach((labels, value) -> b.dataPoint(gauge(labels, value)));
            return b.build();
        }
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(family.name()).help(family.help());
        points.forEach((labels, value) -> b.dataPoint(counter(labels, value)));
        return b.build();
    }

    /** The live plugins folder: which versions run, deploys, failed deploys, class loaders that leaked. */
    private void plugins(List<MetricSnapshot> out) {
        InfoSnapshot.Builder info = InfoSnapshot.builder().name("netsvc_plugin").help("every plugin running, with its version and jar");
        view.plugins().forEach(p -> info.dataPoint(InfoDataPointSnapshot.builder()
                .labels(Labels.of("plugin", p.id(), "version", p.version(), "jar", p.jar())).build()));
        out.add(info.build());
        out.add(CounterSnapshot.builder().name("netsvc_plugin_deploys").help("plugins deployed or replaced since the host started")
                .dataPoint(counter(Labels.EMPTY, view.pluginDeploys())).build());
        out.add(CounterSnapshot.builder().name("netsvc_plugin_deploy_failures")
                .help("jars refused and replacements that failed since the host started")
                .dataPoint(counter(Labels.EMPTY, view.pluginDeployFailures())).build());
        CounterSnapshot.Builder reloads = CounterSnapshot.builder().name("netsvc_reloads")
                .help("reloads (netsvc reload, SIGHUP) by outcome: applied, refused (configuration error), failed (not all applied)");
        for (String outcome : List.of("applied", "refused", "failed")) {
            reloads.dataPoint(counter(Labels.of("outcome", outcome), view.reloads().getOrDefault(outcome, 0L)));
        }
        out.add(reloads.build());
        out.add(GaugeSnapshot.builder().name("netsvc_plugin_class_loaders_uncollected")
                .help("unloaded plugins whose class loader was not collected within a minute (a leak)")
                .dataPoint(gauge(Labels.EMPTY, view.uncollectedPluginClassLoaders())).build());
    }

    private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterDataPointSnapshot counter(Labels labels, double value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static double seconds(java.time.Instant t) {
        return t.toEpochMilli() / 1000.0;
    }
}
