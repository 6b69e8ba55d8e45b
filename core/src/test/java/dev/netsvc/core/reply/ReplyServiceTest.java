package dev.netsvc.core.reply;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.net.SocketIo;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reply service over real TCP and UDP sockets on loopback. */
class ReplyServiceTest {

    static final byte[] HELLO = "hello\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Replies with whatever {@link #reply} holds; its largest reply is 8 bytes. */
    static final class FixedReply extends ReplyService {
        volatile byte[] reply = HELLO;

        FixedReply() {
            super("fixed", "a fixed reply", 4999, 8);
        }

        @Override
        protected Supplier<byte[]> open(ServiceContext context) {
            return () -> reply;
        }
    }

    @Test
    void declaresTcpAndUdpAndTheSharedKeys() {
        FixedReply service = new FixedReply();
        assertEquals(Set.of(Transport.TCP, Transport.UDP), service.transports());
        List<String> names = service.configKeys().stream().map(ConfigKey::name).toList();
        assertEquals(List.of("max-connections", "linger", "udp-rate", "udp-burst", "udp-global-rate", "udp-tracked-sources"), names);
    }

    @Test
    void tcpSendsTheReplyThenEndOfStream() throws IOException {
        try (ServiceHarness fixed = ServiceHarness.of(new FixedReply()).start();
             Socket socket = new Socket(fixed.host(), fixed.tcpPort())) {
            socket.setSoTimeout(5000);
            assertArrayEquals(HELLO, SocketIo.readAll(socket.getInputStream(), 100));
            Await.until(Duration.ofSeconds(5), "the reply is counted", () -> replied(fixed) == 1);
        }
    }

    /**
     * A client that sent input the server never reads must still get the whole reply. Closing a socket
     * with unread input sends RST, and RST throws away whatever of the reply the kernel has not yet
     * delivered; so the reply here is larger than the client's receive buffer, and the client reads
     * only once the server has written everything. (With linger 0 this fails with "Connection reset".)
     */
    @Test
    void aClientThatSentInputStillGetsTheWholeReply() throws IOException {
        FixedReply service = new FixedReply();
        byte[] big = new byte[96 * 1024];
        Arrays.fill(big, (byte) 'q');
        service.reply = big;
        try (ServiceHarness fixed = ServiceHarness.of(service).set("linger", "5s").start();
             Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(fixed.tcp());
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(new byte[1024]);
            out.flush();
            Await.until(Duration.ofSeconds(5), "the whole reply was written", () -> replied(fixed) == 1);
            assertArrayEquals(big, SocketIo.readAll(socket.getInputStream(), big.length));
        }
    }

    @Test
    void aClientThatNeverClosesHoldsItsSlotForTheLingerOnly() throws IOException {
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (ServiceHarness fixed = ServiceHarness.of(new FixedReply()).clock(clock)
                .set("max-connections", "1").set("linger", "5s").start();
             Socket silent = new Socket(fixed.host(), fixed.tcpPort());
             Socket next = new Socket(fixed.host(), fixed.tcpPort())) {
            silent.setSoTimeout(5000);
            assertArrayEquals(HELLO, SocketIo.readAll(silent.getInputStream(), 100), "the first gets its reply");
            // 'silent' never closes: the one slot is held while the linger lasts on the clock
            next.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> next.getInputStream().read(), "not served within the linger");
            clock.advance(Duration.ofSeconds(5));
            next.setSoTimeout(5000);
            assertArrayEquals(HELLO, SocketIo.readAll(next.getInputStream(), 100), "served once the linger has passed");
        }
    }

    @Test
    void udpAnswersEveryDatagramWhateverItHolds() throws IOException {
        try (ServiceHarness fixed = ServiceHarness.of(new FixedReply()).start();
             DatagramSocket client = new DatagramSocket()) {
            client.setSoTimeout(5000);
            for (byte[] request : new byte[][] {{}, {'x'}, new byte[1000]}) {
                client.send(new DatagramPacket(request, request.length, fixed.udp()));
                assertArrayEquals(HELLO, receive(client));
            }
        }
    }

    @Test
    void aUdpReplyNeverExceedsTheLargestReplyDeclared() throws IOException {
        FixedReply service = new FixedReply();
        try (ServiceHarness fixed = ServiceHarness.of(service).start();
             DatagramSocket client = new DatagramSocket()) {
            client.setSoTimeout(5000);
            service.reply = "nine char".getBytes(StandardCharsets.US_ASCII);
            client.send(new DatagramPacket(new byte[0], 0, fixed.udp()));
            Await.until(Duration.ofSeconds(5), "the oversized reply is counted", () -> fixed.counters().get("udp.failed") == 1);
            service.reply = HELLO;
            client.send(new DatagramPacket(new byte[0], 0, fixed.udp()));
            assertArrayEquals(HELLO, receive(client), "the next one is answered, the oversized one never was");
        }
    }

    @Test
    void stopEndsBothTransports() throws IOException {
        ServiceHarness fixed = ServiceHarness.of(new FixedReply()).start();
        int port = fixed.tcpPort();
        fixed.close();
        IOException refused = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> new Socket(fixed.host(), port).close());
        assertTrue(refused.getMessage().contains("refused"), refused.getMessage());
    }

    private static long replied(ServiceHarness harness) {
        return harness.counters().get("tcp.replied");
    }

    static byte[] receive(DatagramSocket client) throws IOException {
        byte[] buffer = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        client.receive(packet);
        return Arrays.copyOf(buffer, packet.getLength());
    }

}
