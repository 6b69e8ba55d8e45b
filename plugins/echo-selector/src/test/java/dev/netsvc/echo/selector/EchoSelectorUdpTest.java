package dev.netsvc.echo.selector;

import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.BytePattern;
import dev.netsvc.testkit.ManualClock;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** echo-selector's RFC 862 echo over UDP, on the TCP port, behind core's UDP defences. */
class EchoSelectorUdpTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Sends {@code payload} and returns the reply, or null if none comes within {@code within}. */
    private static byte[] exchange(DatagramChannel client, InetSocketAddress server, byte[] payload, Duration within)
            throws IOException {
        client.send(ByteBuffer.wrap(payload), server);
        try (Selector selector = Selector.open()) {
            client.register(selector, SelectionKey.OP_READ);
            if (selector.select(within.toMillis()) == 0) {
                return null;
            }
        }
        ByteBuffer in = ByteBuffer.allocate(70_000);
        client.receive(in);
        in.flip();
        byte[] reply = new byte[in.remaining()];
        in.get(reply);
        return reply;
    }

    private static DatagramChannel client() throws IOException {
        DatagramChannel c = DatagramChannel.open();
        c.bind(new InetSocketAddress("127.0.0.1", 0)); // an ephemeral source port, as real clients use
        c.configureBlocking(false);
        return c;
    }

    @Test
    void echoesDatagramsOnTheTcpPortFromEmptyToTheLargest() throws Exception {
        try (ServiceHarness echo = ServiceHarness.of(new EchoSelectorService()).set("udp-burst", "10").start();
             DatagramChannel client = client()) {
            assertEquals(echo.tcpPort(), echo.udp().getPort(), "TCP and UDP share the port");
            for (int size : new int[] {0, 1, 512, 1472, 65_507}) {
                byte[] payload = new BytePattern(size).bytes(size);
                byte[] reply = exchange(client, echo.udp(), payload, WAIT);
                assertTrue(reply != null && java.util.Arrays.equals(payload, reply), "datagram of " + size + " bytes echoed");
            }
            // counted just after the send, so possibly after the client already has the reply
            Await.until(WAIT, () -> "udp.replied = 5, not " + echo.counters().get("udp.replied"),
                    () -> echo.counters().get("udp.replied") == 5);
        }
    }

    @Test
    void aSourceOverItsRateGetsNoMoreUntilTimePasses() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (ServiceHarness echo = ServiceHarness.of(new EchoSelectorService()).clock(clock)
                .set("udp-rate", "1").set("udp-burst", "2").start();
             DatagramChannel client = client()) {
            byte[] ping = {'p'};
            assertTrue(exchange(client, echo.udp(), ping, WAIT) != null);
            assertTrue(exchange(client, echo.udp(), ping, WAIT) != null);
            assertNull(exchange(client, echo.udp(), ping, Duration.ofMillis(300)), "third at once: over the burst");
            Await.until(WAIT, () -> "udp.dropped.rate-limit-source = 1, not " + echo.counters().get("udp.dropped.rate-limit-source"),
                    () -> echo.counters().get("udp.dropped.rate-limit-source") == 1);
            clock.advance(Duration.ofSeconds(1));
            assertTrue(exchange(client, echo.udp(), ping, WAIT) != null, "a second later one more is allowed");
        }
    }
}
