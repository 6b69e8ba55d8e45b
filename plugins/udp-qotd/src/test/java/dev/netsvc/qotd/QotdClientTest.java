package dev.netsvc.qotd;

import dev.netsvc.core.ClientException;
import dev.netsvc.testkit.ClientHarness;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertEquals("HOST[:PORT] [--tcp]", new QotdClient().usage());
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
}
