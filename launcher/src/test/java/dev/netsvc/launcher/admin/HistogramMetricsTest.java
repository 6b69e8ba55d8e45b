package dev.netsvc.launcher.admin;

import dev.netsvc.core.Counters;
import dev.netsvc.core.Histogram;
import dev.netsvc.core.MetricFamily;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.Transport;
import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.supervisor.ServiceStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The services' latency histograms on /metrics, read back by Prometheus' own parser: the counts are the
 * durations recorded, the buckets cumulative, core's and a plugin's own families side by side.
 */
class HistogramMetricsTest {

    private static final int REQUESTS = 37;
    private AdminServer admin;

    @AfterEach
    void close() {
        if (admin != null) {
            admin.close();
        }
    }

    private PrometheusParser.Metrics scrape(List<ServiceStatus> services) throws Exception {
        admin = AdminServer.start(new FakeHostView(services), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + admin.address().getPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return PrometheusParser.parse(r.body());
    }

    private static ServiceStatus running(String id, ServiceCounters counters) {
        return new ServiceStatus(id, id + "-plugin", "1.0.0", true, ServiceState.RUNNING, FakeHostView.STARTED, "",
                Set.of(Transport.TCP), List.of(FakeHostView.tcp(7000)), 0, counters.snapshot(), counters.histograms());
    }

    @Test
    void aLatencyHistogramCountsEveryRequestInCumulativeBuckets() throws Exception {
        ServiceCounters counters = new ServiceCounters();
        for (int i = 0; i < REQUESTS; i++) { // 0.2 ms, 2 ms, 20 ms, 20 ms, ...
            counters.histogram(Counters.TCP_REQUEST_SECONDS).record(Duration.ofNanos(200_000L * (long) Math.pow(10, Math.min(i, 2))));
        }
        counters.histogram(Counters.TCP_CONNECTION_SECONDS).record(Duration.ofSeconds(2));
        PrometheusParser.Metrics m = scrape(List.of(running("wordcount", counters)));

        assertEquals("histogram", m.types().get("netsvc_request_duration_seconds"));
        String[] labels = {"service", "wordcount", "transport", "tcp"};
        assertEquals(REQUESTS, m.value("netsvc_request_duration_seconds_count", labels));
        assertEquals(REQUESTS, m.value("netsvc_request_duration_seconds_bucket", "service", "wordcount", "transport", "tcp", "le", "+Inf"));
        assertEquals(1, m.value("netsvc_request_duration_seconds_bucket", "service", "wordcount", "transport", "tcp", "le", "2.5E-4"));
        assertEquals(2, m.value("netsvc_request_duration_seconds_bucket", "service", "wordcount", "transport", "tcp", "le", "0.0025"));
        assertEquals(REQUESTS, m.value("netsvc_request_duration_seconds_bucket", "service", "wordcount", "transport", "tcp", "le", "0.025"));
        assertEquals(0.0002 + 0.002 + 0.02 * (REQUESTS - 2), m.value("netsvc_request_duration_seconds_sum", labels), 1e-9);
        assertEquals(1, m.value("netsvc_connection_duration_seconds_count", labels));
        assertEquals(0, m.value("netsvc_connection_duration_seconds_bucket", "service", "wordcount", "transport", "tcp", "le", "1.0"));
    }

    @Test
    void aPluginsOwnHistogramShowsUnderItsNameAndAClashingFamilyIsLeftOut() throws Exception {
        ServiceCounters dictionary = new ServiceCounters();
        dictionary.histogram(Histogram.of("dictionary.lookup")).record(Duration.ofMillis(3));
        dictionary.histogram(Histogram.of("dictionary.lookup")).record(Duration.ofMillis(4));
        ServiceCounters rogue = new ServiceCounters();
        // a plugin that names its family like a family of the host's: left out, the rest still parses
        rogue.histogram(new Histogram("rogue", new MetricFamily("netsvc_request_duration_seconds", MetricFamily.Kind.HISTOGRAM,
                "mine", List.of()), Map.of(), List.of(1.0))).record(Duration.ofSeconds(1));
        rogue.histogram(Counters.TCP_REQUEST_SECONDS).record(Duration.ofMillis(1));
        PrometheusParser.Metrics m = scrape(List.of(running("dictionary", dictionary), running("rogue", rogue)));

        assertEquals(2, m.value("netsvc_service_duration_seconds_count", "service", "dictionary", "histogram", "dictionary.lookup"));
        assertEquals(1, m.value("netsvc_request_duration_seconds_count", "service", "rogue", "transport", "tcp"));
        assertFalse(m.has("netsvc_request_duration_seconds_count", "service", "rogue"), "the clashing family is left out");
    }
}
