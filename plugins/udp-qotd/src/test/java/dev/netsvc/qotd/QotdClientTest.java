package dev.netsvc.qotd;

import dev.netsvc.core.ClientException;
import dev.netsvc.testkit.ClientHarness;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code netsvc call qotd} against our qotd service. */
class QotdClientTest {

    private static final String NL = System.lineSeparator();

    @Test
    void printsTheQuoteOverUdpByDefaultAndOverTcpOnRequest(@TempDir Path dir) throws Exception {
        Path quotes = Files.writeString(dir.resolve("q.txt"), "Only one,\n\t-- the test\n");
        try (ServiceHarness qotd = ServiceHarness.of(new QotdService()).set("quotes", quotes.toString()).start()) {
            ClientHarness udp = ClientHarness.of(new QotdClient());
            assertEquals(0, udp.run("127.0.0.1:" + qotd.udp().getPort()));
            assertEquals("Only one," + NL + "\t-- the test" + NL, udp.out());
            ClientHarness tcp = ClientHarness.of(new QotdClient()).flag("tcp");
            assertEquals(0, tcp.run("127.0.0.1:" + qotd.tcpPort()));
            assertEquals(udp.out(), tcp.out());
        }
        assertEquals("HOST[:PORT] [--tcp] [--retries N] [--tls ...]", new QotdClient().usage());
    }

    @Test
    void aSilentServerIsReportedAfterTheRetries() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            ClientHarness client = ClientHarness.of(new QotdClient()).timeout(Duration.ofMillis(100)).option("retries", "2");
            ClientException e = assertThrows(ClientException.class, () -> client.run("127.0.0.1:" + silent.getLocalPort()));
            assertTrue(e.getMessage().startsWith("no answer from udp 127.0.0.1:" + silent.getLocalPort() + " after 3 attempts"),
                    e.getMessage());
            assertTrue(client.err().contains("asking again (3 of 3)"), client.err());
        }
    }

    @Test
    void aTimeAnswerIsNotAQuote() throws Exception {
        try (DatagramSocket time = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try {
                    DatagramPacket request = new DatagramPacket(new byte[64], 64);
                    time.receive(request);
                    time.send(new DatagramPacket(new byte[] {0, 0, 0, 4}, 4, request.getSocketAddress()));
                } catch (java.io.IOException ignored) {
                    // the client reports what it got
                }
            });
            ClientHarness client = ClientHarness.of(new QotdClient());
            ClientException e = assertThrows(ClientException.class, () -> client.run("127.0.0.1:" + time.getLocalPort()));
            assertTrue(e.getMessage().contains("sent 4 bytes of binary data"), e.getMessage());
            assertEquals("", client.out());
        }
    }

    @Test
    void aTcpServerThatAcceptsButSaysNothingIsNotCalledDown() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ClientHarness client = ClientHarness.of(new QotdClient()).timeout(Duration.ofMillis(200)).flag("tcp");
            ClientException e = assertThrows(ClientException.class, () -> client.run("127.0.0.1:" + silent.getLocalPort()));
            assertTrue(e.getMessage().startsWith("connected to 127.0.0.1:" + silent.getLocalPort()
                    + ", but it sent nothing within the timeout"), e.getMessage());
            assertFalse(e.getMessage().contains("firewall"), e.getMessage());
        }
    }
}
