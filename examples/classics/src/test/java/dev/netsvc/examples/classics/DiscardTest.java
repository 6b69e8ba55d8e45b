package dev.netsvc.examples.classics;

import dev.netsvc.core.net.HostPort;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ClientHarness;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DiscardTest {

    private static final Duration T = Duration.ofSeconds(5);

    @Test
    void tcpTakesEverythingAndAnswersNothing() throws Exception {
        try (ServiceHarness discard = ServiceHarness.of(new DiscardService()).start();
             Socket socket = new Socket(discard.host(), discard.tcpPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(new byte[100_000]);
            socket.shutdownOutput();
            assertEquals(-1, socket.getInputStream().read(), "no byte back, then the server closes");
            assertEquals(100_000, discard.counters().get("tcp.bytes.discarded"));
        }
    }

    @Test
    void udpDatagramsAreTakenAndNeverAnswered() throws Exception {
        try (ServiceHarness discard = ServiceHarness.of(new DiscardService()).start();
             DatagramSocket socket = new DatagramSocket()) {
            socket.send(new DatagramPacket(new byte[10], 10, discard.udp()));
            Await.until(T, "the datagram is received", () -> discard.counters().get("udp.received") == 1);
            assertEquals(0, discard.counters().get("udp.replied"));
        }
    }

    @Test
    void theClientSaysWhatWasDiscardedOverBothTransports() throws Exception {
        try (ServiceHarness discard = ServiceHarness.of(new DiscardService()).start()) {
            String target = HostPort.format(discard.tcp());
            ClientHarness tcp = ClientHarness.of(new DiscardClient());
            assertEquals(0, tcp.run(target, "hello"));
            assertEquals("discarded 6 bytes at " + target, tcp.out().strip());

            ClientHarness udp = ClientHarness.of(new DiscardClient()).flag("udp");
            assertEquals(0, udp.run(target, "hello"));
            assertEquals("discarded 5 bytes at " + target, udp.out().strip());
            Await.until(T, "the datagram is received", () -> discard.counters().get("udp.received") == 1);
        }
    }
}
