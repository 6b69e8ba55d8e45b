package dev.netsvc.echo.selector;

import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Settings;
import dev.netsvc.core.Transport;
import dev.netsvc.core.net.BindFailure;
import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** echo-selector's start-up failures: whatever it opened is closed again. */
class EchoSelectorServiceTest {

    @Test
    void aTakenUdpPortFailsTheStartAndReleasesTheTcpPort() throws Exception {
        try (DatagramSocket udpTaken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = udpTaken.getLocalPort();
            EchoSelectorService service = new EchoSelectorService();
            ServiceContext context = ServiceContext.builder("echo-selector")
                    .bind(InetAddress.getLoopbackAddress(), port)
                    .settings(Settings.defaults("echo-selector", service.configKeys()))
                    .build();
            BindFailure e = assertThrows(BindFailure.class, () -> service.start(context));
            assertEquals(Transport.UDP, e.transport());
            Await.until(Duration.ofSeconds(5), "the event loops to end", () -> Thread.getAllStackTraces().keySet()
                    .stream().noneMatch(t -> t.getName().startsWith("echo-selector-loop-")));
            try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertEquals(port, again.getLocalPort(), "the TCP port was released");
            }
        }
    }
}
