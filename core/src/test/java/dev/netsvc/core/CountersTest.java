package dev.netsvc.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one declaration of counters and metric families: what each counter name is exported as, and the docs. */
class CountersTest {

    private static Counter.Target target(MetricFamily family, String... labels) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return new Counter.Target(family, map);
    }

    @Test
    void exactNamesMapToTheirFamily() {
        assertEquals(List.of(target(Counters.CONNECTIONS_ACCEPTED, "transport", "tcp")), Counters.targets("tcp.connections.accepted"));
        assertEquals(List.of(target(Counters.CONNECTIONS_ACTIVE, "transport", "tcp")), Counters.targets("tcp.connections.active"));
        assertEquals(List.of(target(Counters.CONNECTIONS_CLOSED, "transport", "tcp", "reason", "idle-timeout")),
                Counters.targets("tcp.connections.idle-timeout"));
        assertEquals(List.of(target(Counters.REPLIES, "transport", "udp")), Counters.targets("udp.replied"));
        assertEquals(List.of(target(Counters.HTTP_REQUESTS_ANSWERED)), Counters.targets("http.requests"));
    }

    @Test
    void groupsPutTheRestOfTheNameInALabel() {
        for (String reason : List.of("acl", "per-source", "rate", "max-connections")) {
            assertEquals(List.of(target(Counters.CONNECTIONS_REFUSED, "transport", "tcp", "reason", reason)),
                    Counters.targets(Counters.TCP_REFUSED.member(reason)));
        }
        assertEquals(List.of(target(Counters.DATAGRAMS_DROPPED, "transport", "udp", "reason", "rate-limit-source")),
                Counters.targets("udp.dropped.rate-limit-source"));
        assertEquals(List.of(target(Counters.HTTP_RESPONSES_BY_CLASS, "class", "4xx")), Counters.targets("http.responses.4xx"));
    }

    @Test
    void echoedBytesAreBothReceivedAndSent() {
        assertEquals(List.of(target(Counters.RECEIVED_BYTES, "transport", "tcp"), target(Counters.SENT_BYTES, "transport", "tcp")),
                Counters.targets(Counters.TCP_BYTES_ECHOED.name()));
    }

    @Test
    void undeclaredNamesAndCountersWithoutAFamilyAreEventsNamedByTheCounter() {
        assertEquals(List.of(target(Counters.SERVICE_EVENTS, "event", "widget.frobs")), Counters.targets("widget.frobs"));
        assertEquals(List.of(target(Counters.SERVICE_EVENTS, "event", "tcp.connections.limit-reached")),
                Counters.targets(Counters.TCP_LIMIT_REACHED.name()));
        // a bare prefix is not a reason, and a longer name is not the counter
        assertEquals(Counters.SERVICE_EVENTS, Counters.targets("udp.dropped.").get(0).family());
        assertEquals(Counters.SERVICE_EVENTS, Counters.targets("tcp.connections.accepted.x").get(0).family());
    }

    @Test
    void aGroupIsCountedOnlyThroughItsMembers() {
        ServiceCounters counters = new ServiceCounters();
        assertThrows(IllegalArgumentException.class, () -> counters.counter(Counters.UDP_DROPPED));
        counters.counter(Counters.UDP_DROPPED.member("loop")).increment();
        assertEquals(1, counters.get("udp.dropped.loop"));
        assertThrows(IllegalStateException.class, () -> Counters.TCP_ACCEPTED.member("x"));
    }

    @Test
    void everyNameIsDeclaredOnceAndEveryFamilyFedIsListed() {
        Set<String> names = new HashSet<>();
        for (Counter c : Counters.ALL) {
            assertTrue(names.add(c.name()), c.name() + " declared twice");
            for (Counter.Export e : c.exports()) {
                assertTrue(Counters.FAMILIES.contains(e.family()), c.name() + " feeds an unlisted family " + e.family().name());
                Set<String> labels = new HashSet<>(e.labels().keySet());
                if (e.restLabel() != null) {
                    labels.add(e.restLabel());
                }
                assertEquals(Set.copyOf(e.family().labels()), labels, c.name() + " gives " + e.family().name() + " its labels");
            }
        }
    }

    /** The operators' table of metrics names every family a counter can feed (docs/operators.md, "Metrics"). */
    @Test
    void theOperatorsGuideListsEveryFamily() throws IOException {
        String guide = Files.readString(Path.of("..", "docs", "operators.md"));
        List<String> missing = new ArrayList<>();
        for (MetricFamily family : Counters.FAMILIES) {
            if (!guide.contains("| `" + family.sampleName() + "` |")) {
                missing.add(family.sampleName());
            }
        }
        assertEquals(List.of(), missing, "families docs/operators.md does not list in its table of metrics");
    }
}
