package dev.netsvc.time;

import dev.netsvc.core.ClientException;
import dev.netsvc.testkit.ClientHarness;
import dev.netsvc.testkit.ManualClock;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The time and daytime clients against our services (and one impostor). */
class TimeClientsTest {

    private static final String NL = System.lineSeparator();
    private final ManualClock serverClock = new ManualClock(Instant.parse("2036-02-07T06:28:20Z"));

    /** Our clock two seconds behind the server's, across the 2036 wrap, in Paris. */
    private final Clock ours = Clock.fixed(Instant.parse("2036-02-07T06:28:18Z"), ZoneId.of("Europe/Paris"));

    @Test
    void timePrintsUtcLocalAndOffsetAcrossThe2036WrapOverTcpAndUdp() throws Exception {
        try (ServiceHarness time = ServiceHarness.of(new TimeService()).clock(serverClock).start()) {
            String expected = "UTC     2036-02-07 06:28:20" + NL
                    + "local   2036-02-07 07:28:20 CET (+01:00)" + NL
                    + "offset  +2 s: the server is ahead of this machine" + NL;
            ClientHarness tcp = ClientHarness.of(new TimeClient()).clock(ours);
            assertEquals(0, tcp.run("127.0.0.1:" + time.tcpPort()));
            assertEquals(expected, tcp.out());
            ClientHarness udp = ClientHarness.of(new TimeClient()).clock(ours).flag("udp");
            assertEquals(0, udp.run("127.0.0.1:" + time.udp().getPort()));
            assertEquals(expected, udp.out());
        }
    }

    @Test
    void offsetReadsNaturally() {
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        assertTrue(TimeClient.offset(t, t).startsWith("0 s: in step"));
        assertTrue(TimeClient.offset(t, t.plusMillis(900)).startsWith("0 s: in step"), "same second on both");
        assertEquals("-5 s: the server is behind this machine", TimeClient.offset(t, t.plusSeconds(5)));
        assertEquals("+3600 s: the server is ahead of this machine", TimeClient.offset(t.plusSeconds(3600), t));
    }

    @Test
    void aServerSendingTheWrongLengthIsNamed() throws Exception {
        try (ServerSocket impostor = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = impostor.accept()) {
                    s.getOutputStream().write(new byte[] {1, 2, 3});
                } catch (IOException ignored) {
                    // the client reports what it got
                }
            });
            ClientException e = assertThrows(ClientException.class,
                    () -> ClientHarness.of(new TimeClient()).run("127.0.0.1:" + impostor.getLocalPort()));
            assertTrue(e.getMessage().contains("sent 3 bytes of binary data; an RFC 868 time is exactly 4 bytes"),
                    e.getMessage());
        }
    }

    @Test
    void daytimePrintsTheLineOverTcpAndUdp() throws Exception {
        try (ServiceHarness daytime = ServiceHarness.of(new DaytimeService()).clock(serverClock).start()) {
            ClientHarness tcp = ClientHarness.of(new DaytimeClient());
            assertEquals(0, tcp.run("127.0.0.1:" + daytime.tcpPort()));
            assertEquals("Thursday, February 7, 2036 06:28:20 UTC" + NL, tcp.out());
            ClientHarness udp = ClientHarness.of(new DaytimeClient()).flag("udp");
            assertEquals(0, udp.run("127.0.0.1:" + daytime.udp().getPort()));
            assertEquals(tcp.out(), udp.out());
        }
        assertEquals("HOST[:PORT] [--udp [--retries N]] [--tls ...]", new DaytimeClient().usage());
    }

    @Test
    void timeRefusesADaytimeAnswerInsteadOfPrintingAYear() throws Exception {
        try (ServiceHarness daytime = ServiceHarness.of(new DaytimeService()).clock(serverClock).start()) {
            ClientHarness tcp = ClientHarness.of(new TimeClient());
            ClientException e = assertThrows(ClientException.class, () -> tcp.run("127.0.0.1:" + daytime.tcpPort()));
            assertEquals("tcp 127.0.0.1:" + daytime.tcpPort() + " sent 41 bytes of text; an RFC 868 time is exactly"
                    + " 4 bytes: is this a daytime port?", e.getMessage());
            assertEquals("", tcp.out());
            ClientHarness udp = ClientHarness.of(new TimeClient()).flag("udp");
            e = assertThrows(ClientException.class, () -> udp.run("127.0.0.1:" + daytime.udp().getPort()));
            assertTrue(e.getMessage().contains("sent 41 bytes of text"), e.getMessage());
        }
    }

    @Test
    void timeRefusesAHugeDatagram() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try {
                    DatagramPacket request = new DatagramPacket(new byte[64], 64);
                    server.receive(request);
                    server.send(new DatagramPacket(new byte[65_000], 65_000, request.getSocketAddress()));
                } catch (IOException ignored) {
                    // the client reports what it got
                }
            });
            ClientHarness udp = ClientHarness.of(new TimeClient()).flag("udp");
            ClientException e = assertThrows(ClientException.class, () -> udp.run("127.0.0.1:" + server.getLocalPort()));
            assertTrue(e.getMessage().contains("sent more than 1024 bytes; an RFC 868 time is exactly 4 bytes"),
                    e.getMessage());
        }
    }

    @Test
    void daytimeRefusesBinaryDataAndSeveralLines() throws Exception {
        try (ServiceHarness time = ServiceHarness.of(new TimeService()).clock(serverClock).start()) {
            ClientHarness daytime = ClientHarness.of(new DaytimeClient());
            ClientException e = assertThrows(ClientException.class, () -> daytime.run("127.0.0.1:" + time.tcpPort()));
            assertEquals("tcp 127.0.0.1:" + time.tcpPort() + " sent 4 bytes of binary data; a daytime answer is one"
                    + " line of text: is this a time port?", e.getMessage());
            assertEquals("", daytime.out());
        }
        try (ServerSocket quotes = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = quotes.accept()) {
                    s.getOutputStream().write("A quote\r\non two lines\r\n  -- someone\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the client reports what it got
                }
            });
            ClientException e = assertThrows(ClientException.class,
                    () -> ClientHarness.of(new DaytimeClient()).run("127.0.0.1:" + quotes.getLocalPort()));
            assertTrue(e.getMessage().contains("sent 3 lines of text; a daytime answer is one line"), e.getMessage());
        }
        assertEquals(1, DaytimeClient.lines("\n58000 17-11-27 UTC(NIST) *\n".getBytes(StandardCharsets.US_ASCII)),
                "blank lines around the answer, as NIST sends, are one line");
    }
}
