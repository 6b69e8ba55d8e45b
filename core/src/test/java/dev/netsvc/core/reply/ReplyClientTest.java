package dev.netsvc.core.reply;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.Transport;
import dev.netsvc.core.UsageException;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ClientHarness;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client side against our reply service and against servers that misbehave. */
class ReplyClientTest {

    /** Prints what it gets as text; UDP by default. */
    static final class TextClient extends ReplyClient {
        TextClient() {
            super("fixed", "asks the fixed service", 4999, Transport.UDP, 512);
        }
    }

    private ClientHarness client = ClientHarness.of(new TextClient());

    /** Runs a fresh client; {@link #out()} and {@code client.err()} then show what it printed. */
    private int run(Duration timeout, Map<String, List<String>> options, String... args) throws Exception {
        client = ClientHarness.of(new TextClient());
        options.forEach((name, values) -> {
            if (values.isEmpty()) {
                client.flag(name);
            }
            values.forEach(v -> client.option(name, v));
        });
        return client.timeout(timeout).clock(Clock.systemUTC()).run(args);
    }

    private String out() {
        return client.out();
    }

    private static String target(InetSocketAddress address) {
        return "127.0.0.1:" + address.getPort();
    }

    @Test
    void asksOverUdpByDefaultAndOverTcpOnRequest() throws Exception {
        try (ServiceHarness fixed = ServiceHarness.of(new ReplyServiceTest.FixedReply()).start()) {
            assertEquals(0, run(Duration.ofSeconds(5), Map.of(), target(fixed.udp())));
            assertEquals("hello" + System.lineSeparator(), out());
            Await.until(Duration.ofSeconds(5), "the UDP reply is counted", () -> fixed.counters().get("udp.replied") == 1);
            assertEquals(0, run(Duration.ofSeconds(5), Map.of("tcp", List.of()), target(fixed.tcp())));
            assertEquals("hello" + System.lineSeparator(), out());
            // counted just after the server's half-close, which the client may see first
            Await.until(Duration.ofSeconds(5), "the TCP reply is counted", () -> fixed.counters().get("tcp.replied") == 1);
        }
        assertEquals("HOST[:PORT] [--tcp] [--retries N] [--tls ...]", new TextClient().usage());
    }

    @Test
    void asksAgainWhenADatagramIsLost() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread answerSecond = Thread.ofVirtual().start(() -> {
                try {
                    byte[] buffer = new byte[64];
                    DatagramPacket request = new DatagramPacket(buffer, buffer.length);
                    server.receive(request); // the first is "lost"
                    server.receive(request);
                    byte[] reply = "second\r\n".getBytes(StandardCharsets.US_ASCII);
                    server.send(new DatagramPacket(reply, reply.length, request.getSocketAddress()));
                } catch (IOException e) {
                    // the test fails on the missing answer
                }
            });
            assertEquals(0, run(Duration.ofMillis(300), Map.of(), "127.0.0.1:" + server.getLocalPort()));
            answerSecond.join(5000);
            assertEquals("second" + System.lineSeparator(), out());
            assertTrue(client.err().contains("asking again (2 of 3)"), client::err);
        }
    }

    @Test
    void anEmptyAnswerIsAFailure() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try {
                    DatagramPacket request = new DatagramPacket(new byte[64], 64);
                    server.receive(request);
                    server.send(new DatagramPacket(new byte[0], 0, request.getSocketAddress()));
                } catch (IOException e) {
                    // the test fails on the missing answer
                }
            });
            String target = "127.0.0.1:" + server.getLocalPort();
            ClientException e = assertThrows(ClientException.class, () -> run(Duration.ofSeconds(5), Map.of(), target));
            assertEquals("udp " + target + " answered with nothing; does it speak fixed?", e.getMessage());
        }
    }

    /** Answers the first datagram with {@code reply}; returns the target. */
    private static String answerOnce(DatagramSocket server, byte[] reply) {
        Thread.ofVirtual().start(() -> {
            try {
                DatagramPacket request = new DatagramPacket(new byte[64], 64);
                server.receive(request);
                server.send(new DatagramPacket(reply, reply.length, request.getSocketAddress()));
            } catch (IOException e) {
                // the test fails on the missing answer
            }
        });
        return "127.0.0.1:" + server.getLocalPort();
    }

    @Test
    void anAnswerLongerThanTheLimitIsAFailureNotACutSuccess() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] huge = "x".repeat(65_000).getBytes(StandardCharsets.US_ASCII);
            String target = answerOnce(server, huge);
            ClientException e = assertThrows(ClientException.class, () -> run(Duration.ofSeconds(5), Map.of(), target));
            assertEquals("udp " + target + " sent more than 512 bytes; a fixed answer is text of at most 512 bytes:"
                    + " does it speak fixed?", e.getMessage());
        }
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = server.accept()) {
                    s.getOutputStream().write("y".repeat(513).getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the test fails on the missing answer
                }
            });
            String target = "127.0.0.1:" + server.getLocalPort();
            ClientException e = assertThrows(ClientException.class,
                    () -> run(Duration.ofSeconds(5), Map.of("tcp", List.of()), target));
            assertTrue(e.getMessage().startsWith("tcp " + target + " sent more than 512 bytes"), e.getMessage());
        }
    }

    @Test
    void binaryDataIsNotShownAsAnAnswer() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String target = answerOnce(server, new byte[] {(byte) 0xED, 0x0E, 0x3A, 0x71});
            ClientException e = assertThrows(ClientException.class, () -> run(Duration.ofSeconds(5), Map.of(), target));
            assertTrue(e.getMessage().startsWith("udp " + target + " sent 4 bytes of binary data"), e.getMessage());
            assertEquals("", out());
        }
    }

    @Test
    void textIsUtf8WithoutControlCharacters() {
        assertTrue(ReplyClient.isText("Grüße\t\r\n".getBytes(StandardCharsets.UTF_8)));
        assertFalse(ReplyClient.isText(new byte[] {'a', 0, 'b'}));
        assertFalse(ReplyClient.isText(new byte[] {'a', 0x1b, '[', 'm'}));
        assertFalse(ReplyClient.isText(new byte[] {(byte) 0xED, (byte) 0xA0, 'x'}));
    }

    @Test
    void saysPlainlyWhenNoAnswerCame() throws IOException {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String target = "127.0.0.1:" + silent.getLocalPort();
            ClientException e = assertThrows(ClientException.class,
                    () -> run(Duration.ofMillis(100), Map.of("retries", List.of("1")), target));
            assertTrue(e.getMessage().startsWith("no answer from udp " + target + " after 2 attempts of 100 ms each"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("hint:"), e.getMessage());
        }
    }

    @Test
    void nothingListeningIsExplained() throws IOException {
        int udpPort;
        try (DatagramSocket gone = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udpPort = gone.getLocalPort();
        }
        ClientException udp = assertThrows(ClientException.class,
                () -> run(Duration.ofSeconds(5), Map.of(), "127.0.0.1:" + udpPort));
        assertTrue(udp.getMessage().contains("nothing is listening on udp 127.0.0.1:" + udpPort), udp.getMessage());

        int tcpPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            tcpPort = gone.getLocalPort();
        }
        ClientException tcp = assertThrows(ClientException.class,
                () -> run(Duration.ofSeconds(5), Map.of("tcp", List.of()), "127.0.0.1:" + tcpPort));
        assertTrue(tcp.getMessage().contains("connection refused by 127.0.0.1:" + tcpPort), tcp.getMessage());
        assertTrue(tcp.getMessage().contains("hint:"), tcp.getMessage());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThrows(UsageException.class, () -> run(Duration.ofSeconds(1), Map.of()));
        assertThrows(UsageException.class, () -> run(Duration.ofSeconds(1), Map.of(), "localhost:99999"));
        assertThrows(UsageException.class, () -> run(Duration.ofSeconds(1), Map.of(), "localhost:0"));
        assertThrows(UsageException.class, () -> run(Duration.ofSeconds(1), Map.of(), "a", "b"));
        Map<String, List<String>> badRetries = new HashMap<>();
        badRetries.put("retries", List.of("many"));
        UsageException e = assertThrows(UsageException.class, () -> run(Duration.ofSeconds(1), badRetries, "localhost"));
        assertTrue(e.getMessage().contains("--retries"), e.getMessage());
    }

    @Test
    void printableEscapesWhatATerminalWouldObey() {
        String nl = System.lineSeparator();
        assertEquals("a\tb" + nl + "c" + nl, ReplyClient.printable("a\tb\r\nc\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("\\x1b[2Jx\\x0dy\\xff" + nl, ReplyClient.printable(new byte[] {27, '[', '2', 'J', 'x', '\r', 'y', (byte) 0xFF}));
        assertEquals(nl, ReplyClient.printable(new byte[0]));
    }
}
