package dev.netsvc.echo.selector;

import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Settings;
import dev.netsvc.core.Transport;
import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.Test;

import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** echo-selector's start-up failures: whatever it opened is closed again. */
class EchoSelectorServiceTest {

    @Test
    void aTakenUdpPortFailsTheStartAndReleasesTheTcpPort() throws Exception {
        try (DatagramSocket udpTaken = udpWithFreeTcpTwin()) {
            int port = udpTaken.getLocalPort();
            EchoSelectorService service = new EchoSelectorService();
            ServiceContext context = ServiceContext.builder("echo-selector")
                    .bind(InetAddress.getLoopbackAddress(), port)
                    .settings(Settings.defaults("echo-selector", service.configKeys()))
                    .build();
            BindException e = assertThrows(BindException.class, () -> service.start(context));
            assertTrue(e.getMessage().startsWith(Transport.UDP.label() + " "), e.getMessage()); // names the transport
            Await.until(Duration.ofSeconds(5), "the event loops to end", () -> Thread.getAllStackTraces().keySet()
                    .stream().noneMatch(t -> t.getName().startsWith("echo-selector-loop-")));
            try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertEquals(port, again.getLocalPort(), "the TCP port was released");
            }
        }
    }

    /**
     * A UDP socket on a port whose TCP twin is free now: an ephemeral UDP port can be some TCP
     * connection's local port at the same moment (a busy machine has thousands), and then the service's
     * TCP bind, not its UDP one, would fail. At most 20 tries.
     */
    private static DatagramSocket udpWithFreeTcpTwin() throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (ServerSocket probe = new ServerSocket(udp.getLocalPort(), 1, InetAddress.getLoopbackAddress())) {
                return udp; // the probe closes, leaving the TCP port free for the service
            } catch (java.net.BindException e) {
                udp.close();
            }
        }
        throw new AssertionError("no UDP port with a free TCP twin in 20 tries");
    }
}
