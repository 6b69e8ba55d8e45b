package dev.netsvc.launcher.admin;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CounterMetricsTest {

    private static CounterMetrics.Target target(CounterMetrics.Family family, String... labels) {
        java.util.LinkedHashMap<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return new CounterMetrics.Target(family, map);
    }

    @Test
    void exactNamesMapToTheirFamily() {
        assertEquals(List.of(target(CounterMetrics.ACCEPTED, "transport", "tcp")), CounterMetrics.targets("tcp.connections.accepted"));
        assertEquals(List.of(target(CounterMetrics.ACTIVE, "transport", "tcp")), CounterMetrics.targets("tcp.connections.active"));
        assertEquals(List.of(target(CounterMetrics.CLOSED, "transport", "tcp", "reason", "idle-timeout")),
                CounterMetrics.targets("tcp.connections.idle-timeout"));
        assertEquals(List.of(target(CounterMetrics.REPLIES, "transport", "udp")), CounterMetrics.targets("udp.replied"));
        assertEquals(List.of(target(CounterMetrics.HTTP_REQUESTS)), CounterMetrics.targets("http.requests"));
    }

    @Test
    void prefixesPutTheRestInALabel() {
        for (String reason : List.of("acl", "per-source", "rate", "max-connections")) {
            assertEquals(List.of(target(CounterMetrics.REFUSED, "transport", "tcp", "reason", reason)),
                    CounterMetrics.targets("tcp.connections.refused." + reason));
        }
        assertEquals(List.of(target(CounterMetrics.DATAGRAMS_DROPPED, "transport", "udp", "reason", "rate-limit-source")),
                CounterMetrics.targets("udp.dropped.rate-limit-source"));
        assertEquals(List.of(target(CounterMetrics.HTTP_RESPONSES, "class", "4xx")), CounterMetrics.targets("http.responses.4xx"));
    }

    @Test
    void echoedBytesAreBothReceivedAndSent() {
        assertEquals(List.of(target(CounterMetrics.RECEIVED_BYTES, "transport", "tcp"), target(CounterMetrics.SENT_BYTES, "transport", "tcp")),
                CounterMetrics.targets("tcp.bytes.echoed"));
    }

    @Test
    void unknownNamesAreEventsNamedByTheCounter() {
        assertEquals(List.of(new CounterMetrics.Target(CounterMetrics.EVENTS, Map.of("event", "widget.frobs"))),
                CounterMetrics.targets("widget.frobs"));
        // a bare prefix is not a reason
        assertEquals(CounterMetrics.EVENTS, CounterMetrics.targets("udp.dropped.").get(0).family());
        assertEquals(CounterMetrics.EVENTS, CounterMetrics.targets("tcp.connections.accepted.x").get(0).family());
    }

    @Test
    void familyNamesFollowPrometheusConventions() {
        for (CounterMetrics.Family f : CounterMetrics.FAMILIES) {
            assertTrue(f.name().matches("netsvc_[a-z_]+") && !f.name().endsWith("_total"), f.name());
            assertTrue(!f.help().isBlank(), f.name() + " has help");
        }
    }
}
