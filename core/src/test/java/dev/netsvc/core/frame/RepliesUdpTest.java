package dev.netsvc.core.frame;

import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.Settings;
import dev.netsvc.core.udp.UdpLimits;
import dev.netsvc.core.udp.UdpServer;
import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A replier over UDP: a datagram is one request, framed the same way as over TCP. */
class RepliesUdpTest {

    private final ServiceCounters counters = new ServiceCounters();
    private UdpServer server;

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(1));
    }

    private DatagramSocket start(Framing framing) throws IOException {
        ServiceContext context = ServiceContext.builder("udp-replies")
                .bind(InetAddress.getLoopbackAddress(), 0)
                .settings(HostAccess.parseSettings("udp-replies", UdpLimits.KEYS, Map.of()))
                .counters(counters)
                .build();
        server = UdpServer.start(context, framing.maxFrameBytes(),
                Replies.udp(context, framing, Replier.text(s -> s.toUpperCase(Locale.ROOT))));
        DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        client.connect(server.endpoint().address());
        client.setSoTimeout(5_000);
        return client;
    }

    private static String ask(DatagramSocket client, byte[] request) throws IOException {
        client.send(new DatagramPacket(request, request.length));
        DatagramPacket reply = new DatagramPacket(new byte[512], 512);
        client.receive(reply);
        return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aDatagramIsOneLineWithOrWithoutItsEnding() throws IOException {
        try (DatagramSocket client = start(Framing.lines(16))) {
            assertEquals("HELLO\r\n", ask(client, "hello\n".getBytes(StandardCharsets.US_ASCII)));
            assertEquals("NC -U\r\n", ask(client, "nc -u".getBytes(StandardCharsets.US_ASCII)));
            Await.until(Duration.ofSeconds(5), "two request durations", () -> counters.histograms().get("udp.request.seconds").count() == 2);
        }
    }

    @Test
    void aDatagramTheFramingRefusesIsDroppedAndCounted() throws IOException {
        try (DatagramSocket client = start(Framing.lengthPrefixed(1, 16))) {
            byte[] lies = {9, 'a', 'b'};
            client.send(new DatagramPacket(lies, lies.length));
            byte[] tooLong = new byte[18];
            tooLong[0] = 17;
            client.send(new DatagramPacket(tooLong, tooLong.length));
            Await.until(Duration.ofSeconds(5), "both dropped as malformed", () -> counters.get("udp.dropped.malformed") == 2);
            assertEquals("\u0002AB", ask(client, new byte[] {2, 'a', 'b'}), "the next one is answered");
            client.setSoTimeout(200);
            assertThrows(SocketTimeoutException.class, () -> client.receive(new DatagramPacket(new byte[16], 16)),
                    "and only that one");
        }
    }
}
