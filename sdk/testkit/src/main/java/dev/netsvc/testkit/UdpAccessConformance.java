package dev.netsvc.testkit;

import dev.netsvc.core.Counters;
import dev.netsvc.core.NetService;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The access keys on a UDP service, as a JUnit 5 suite a plugin's test extends: a datagram refused by
 * {@code only-from}/{@code no-access} or {@code rate} gets no reply and is counted
 * ({@code udp.dropped.acl}, {@code udp.dropped.rate}) before any reply is computed.
 */
public abstract class UdpAccessConformance {

    protected static final Duration WAIT = Duration.ofSeconds(30);

    protected final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));

    /** The service under test: a new instance each call. */
    protected abstract NetService service();

    /** A harness for {@link #service()}, not started; override to set a home or required keys. */
    protected ServiceHarness harness() throws IOException {
        return ServiceHarness.of(service());
    }

    /** A request the service answers. */
    protected byte[] request() {
        return new byte[] {'?'};
    }

    protected ServiceHarness start(InetAddress bind, String... settings) throws IOException {
        ServiceHarness harness = harness().clock(clock).bind(bind).grace(Duration.ofSeconds(2));
        for (int i = 0; i + 1 < settings.length; i += 2) {
            harness.set(settings[i], settings[i + 1]);
        }
        return harness.start();
    }

    @Test
    void refusedSourcesGetNoReplyAndAreCounted() throws Exception {
        try (ServiceHarness s = start(InetAddress.getLoopbackAddress(), "only-from", "127.0.0.0/8", "no-access", "127.0.0.3");
             DatagramSocket allowed = SourceAddress.udpFrom("127.0.0.2");
             DatagramSocket denied = SourceAddress.udpFrom("127.0.0.3")) {
            SourceAddress.send(denied, s.udp(), request());
            Await.until(WAIT, "the datagram from 127.0.0.3 to be dropped", () -> s.counters().get(Counters.UDP_DROPPED.member("acl")) == 1);
            assertTrue(SourceAddress.exchange(allowed, s.udp(), request()).length > 0);
            Await.until(WAIT, "the reply to be counted", () -> s.counters().get(Counters.UDP_REPLIED) == 1);
            assertEquals(1, s.counters().get(Counters.UDP_REPLIED), "only 127.0.0.2 was answered");
        }
    }

    @Test
    void anIpv6SourceOutsideOnlyFromGetsNoReply() throws Exception {
        try (ServiceHarness s = start(InetAddress.getByName("::1"), "only-from", "127.0.0.0/8");
             DatagramSocket denied = SourceAddress.udpFrom("::1")) {
            SourceAddress.send(denied, s.udp(), request());
            Await.until(WAIT, "the datagram from ::1 to be dropped", () -> s.counters().get(Counters.UDP_DROPPED.member("acl")) == 1);
            assertEquals(0, s.counters().get(Counters.UDP_REPLIED));
        }
    }

    @Test
    void rateAndBurstPerSourceOnTheServiceClock() throws Exception {
        try (ServiceHarness s = start(InetAddress.getLoopbackAddress(), "rate", "1", "rate-burst", "2");
             DatagramSocket client = SourceAddress.udpFrom("127.0.0.2")) {
            SourceAddress.exchange(client, s.udp(), request());
            SourceAddress.exchange(client, s.udp(), request());
            SourceAddress.send(client, s.udp(), request());
            Await.until(WAIT, "the third datagram to be dropped", () -> s.counters().get(Counters.UDP_DROPPED.member("rate")) == 1);
            clock.advance(Duration.ofSeconds(1));
            assertTrue(SourceAddress.exchange(client, s.udp(), request()).length > 0, "one more a second later");
            Await.until(WAIT, "three replies", () -> s.counters().get(Counters.UDP_REPLIED) == 3);
        }
    }
}
