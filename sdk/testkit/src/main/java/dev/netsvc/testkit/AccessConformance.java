package dev.netsvc.testkit;

import dev.netsvc.core.Counters;
import dev.netsvc.core.NetService;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the access keys every netsvc TCP service has must do ({@code only-from}, {@code no-access},
 * {@code per-source}, {@code rate}, {@code rate-burst}), as a JUnit 5 suite a plugin's test extends:
 * clients from 127.0.0.2, 127.0.0.3 and ::1 are allowed and refused, the more specific entry wins,
 * per-source at its limit and limit + 1, the rate on the service's clock (a {@link ManualClock}), and the
 * {@code tcp.connections.*} counters. A refused client must get no byte: end of stream or a reset.
 */
public abstract class AccessConformance {

    protected static final Duration WAIT = Duration.ofSeconds(30);

    /** The service under test: a new instance each call. */
    protected abstract NetService service();

    /** A harness for {@link #service()}, not started; override to set a home or required keys. */
    protected ServiceHarness harness() throws IOException {
        return ServiceHarness.of(service());
    }

    /**
     * Proves that {@code socket} is being served (for an echo: a round trip; for HTTP: a response) and
     * leaves it open, so it keeps counting against per-source.
     */
    protected abstract void assertServed(Socket socket) throws IOException;

    /** Settings every test starts the service with (short key, value, ...), e.g. a long linger. */
    protected List<String> baseSettings() {
        return List.of();
    }

    protected final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));

    protected ServiceHarness start(InetAddress bind, String... settings) throws IOException {
        ServiceHarness harness = harness().clock(clock).bind(bind).grace(Duration.ofSeconds(2));
        List<String> all = new ArrayList<>(baseSettings());
        all.addAll(List.of(settings));
        for (int i = 0; i + 1 < all.size(); i += 2) {
            harness.set(all.get(i), all.get(i + 1));
        }
        return harness.start();
    }

    protected ServiceHarness start(String... settings) throws IOException {
        return start(InetAddress.getLoopbackAddress(), settings);
    }

    // ---- the suite ---------------------------------------------------------------------------------

    @Test
    void onlyFromAdmitsTheListedSourceAndRefusesOthersWithoutAByte() throws Exception {
        try (ServiceHarness s = start("only-from", "127.0.0.2");
             Socket allowed = SourceAddress.connectFrom("127.0.0.2", s.tcp())) {
            assertTrue(SourceAddress.refused("127.0.0.3", s.tcp()), "127.0.0.3 is not in only-from");
            assertServed(allowed);
            assertEquals(1, s.counters().get(Counters.TCP_REFUSED.member("acl")));
            assertEquals(1, s.counters().get(Counters.TCP_ACCEPTED));
            assertEquals(1, s.counters().get(Counters.TCP_ACTIVE));
        }
    }

    @Test
    void theMoreSpecificEntryWinsEitherWayRound() throws Exception {
        try (ServiceHarness s = start("only-from", "127.0.0.0/8", "no-access", "127.0.0.3");
             Socket allowed = SourceAddress.connectFrom("127.0.0.2", s.tcp())) {
            assertTrue(SourceAddress.refused("127.0.0.3", s.tcp()), "no-access 127.0.0.3 is more specific than 127.0.0.0/8");
            assertServed(allowed);
        }
        try (ServiceHarness s = start("no-access", "127.0.0.0/8", "only-from", "127.0.0.2/32");
             Socket allowed = SourceAddress.connectFrom("127.0.0.2", s.tcp())) {
            assertTrue(SourceAddress.refused("127.0.0.3", s.tcp()), "127.0.0.3 matches only no-access");
            assertServed(allowed);
            assertEquals(1, s.counters().get(Counters.TCP_REFUSED.member("acl")));
        }
    }

    @Test
    void anIpv6SourceIsJudgedByIpv6Entries() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (ServiceHarness s = start(v6, "only-from", "127.0.0.0/8")) {
            assertTrue(SourceAddress.refused("::1", s.tcp()), "::1 is not in 127.0.0.0/8");
        }
        try (ServiceHarness s = start(v6, "only-from", "::1/128", "no-access", "::/0");
             Socket allowed = SourceAddress.connectFrom("::1", s.tcp())) {
            assertServed(allowed);
        }
    }

    @Test
    void perSourceServesTheLimitAndRefusesOneMore() throws Exception {
        try (ServiceHarness s = start("per-source", "2")) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    held.add(SourceAddress.connectFrom("127.0.0.2", s.tcp()));
                    assertServed(held.get(i));
                }
                assertTrue(SourceAddress.refused("127.0.0.2", s.tcp()), "a third connection from 127.0.0.2");
                try (Socket other = SourceAddress.connectFrom("127.0.0.3", s.tcp())) {
                    assertServed(other); // another source has its own count
                }
                assertEquals(1, s.counters().get(Counters.TCP_REFUSED.member("per-source")));
                held.removeFirst().close();
                Await.until(WAIT, "the closed connection to be released",
                        () -> s.counters().get(Counters.TCP_ACTIVE) == 1);
                try (Socket again = SourceAddress.connectFrom("127.0.0.2", s.tcp())) {
                    assertServed(again);
                }
            } finally {
                for (Socket h : held) {
                    h.close();
                }
            }
        }
    }

    @Test
    void rateAndBurstPerSourceOnTheServiceClock() throws Exception {
        try (ServiceHarness s = start("rate", "1", "rate-burst", "2")) {
            for (int i = 0; i < 2; i++) {
                try (Socket ok = SourceAddress.connectFrom("127.0.0.2", s.tcp())) {
                    assertServed(ok);
                }
            }
            assertTrue(SourceAddress.refused("127.0.0.2", s.tcp()), "the burst of 2 is used up");
            try (Socket other = SourceAddress.connectFrom("127.0.0.3", s.tcp())) {
                assertServed(other);
            }
            clock.advance(Duration.ofSeconds(1));
            try (Socket later = SourceAddress.connectFrom("127.0.0.2", s.tcp())) {
                assertServed(later); // one token a second
            }
            assertEquals(1, s.counters().get(Counters.TCP_REFUSED.member("rate")));
            assertEquals(4, s.counters().get(Counters.TCP_ACCEPTED));
        }
    }

    @Test
    void atMaxConnectionsTheNextClientWaitsInTheBacklogAndIsNeverRefused() throws Exception {
        try (ServiceHarness s = start("max-connections", "1");
             Socket first = SourceAddress.connectFrom("127.0.0.2", s.tcp())) {
            assertServed(first);
            Await.until(WAIT, "the limit to be counted", () -> s.counters().get(Counters.TCP_LIMIT_REACHED) >= 1);
            try (Socket second = SourceAddress.connectFrom("127.0.0.3", s.tcp())) { // completes: the kernel queues it
                first.close();
                assertServed(second); // served once the first has gone
            }
            for (String reason : List.of("acl", "per-source", "rate")) {
                assertEquals(0, s.counters().get(Counters.TCP_REFUSED.member(reason)), reason);
            }
        }
    }

    /** Starts with a bad entry and returns the message, for tests that check validation. */
    protected static String startFailure(ServiceHarness harness) {
        try {
            harness.start().close();
        } catch (RuntimeException | IOException e) {
            return e.getMessage();
        }
        throw new AssertionError("the service started with invalid settings");
    }

    @Test
    void aBadEntryIsRefusedAtStartNamingTheKeyAndTheEntry() throws IOException {
        String message = startFailure(harness().set("only-from", "10.0.0.0/33"));
        String id = service().id();
        assertTrue(message.contains(id + ".only-from") && message.contains("'10.0.0.0/33' is not a CIDR block: prefix 33 > 32"),
                message);
    }

    /** The address a test's clients connect to. */
    protected static InetSocketAddress address(ServiceHarness s) {
        return s.tcp();
    }
}
