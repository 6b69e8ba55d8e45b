package dev.netsvc.echo.async;

import dev.netsvc.core.Transport;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** echo-async's own behaviour beyond the conformance suite: binding, stopping, buffers. */
class EchoAsyncServiceTest {

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }

    @Test
    void aTakenPortIsABindFailureAndLeavesNothingRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            EchoAsyncService service = new EchoAsyncService();
            var context = dev.netsvc.core.ServiceContext.builder("echo-async")
                    .bind(InetAddress.getLoopbackAddress(), taken.getLocalPort())
                    .settings(dev.netsvc.core.Settings.defaults("echo-async", service.configKeys()))
                    .build();
            BindException e = assertThrows(BindException.class, () -> service.start(context));
            assertTrue(e.getMessage().startsWith(Transport.TCP.label() + " "), e.getMessage()); // names the transport
            dev.netsvc.testkit.Await.until(Duration.ofSeconds(5), "group threads gone",
                    () -> threadsNamed("echo-async-") == 0);
        }
    }

    @Test
    void stopEndsEveryThreadAndClosesConnectionsInOrder() throws Exception {
        ServiceHarness echo = ServiceHarness.of(new EchoAsyncService()).set("threads", "2").start();
        try (Socket idle = new Socket(echo.host(), echo.tcpPort())) {
            idle.setSoTimeout(10_000);
            idle.getOutputStream().write('x');
            assertEquals('x', idle.getInputStream().read());
            assertTrue(threadsNamed("echo-async-io-") > 0);
            long t0 = System.nanoTime();
            echo.close();
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos(), "an idle connection does not hold stop up");
            assertEquals(-1, idle.getInputStream().read(), "the client sees an orderly end of stream");
        }
        // the pool has terminated; its threads finish exiting a moment later
        dev.netsvc.testkit.Await.until(Duration.ofSeconds(5), "no thread of the service is left",
                () -> threadsNamed("echo-async-") == 0);
    }

    @Test
    void buffersGrowUnderBulkAndStillEchoExactly() throws Exception {
        try (ServiceHarness echo = ServiceHarness.of(new EchoAsyncService()).set("buffer-size", "16k").start();
             Socket s = new Socket(echo.host(), echo.tcpPort())) {
            s.setSoTimeout(10_000);
            byte[] data = new dev.netsvc.testkit.BytePattern(1).bytes(1 << 20);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
                } catch (java.io.IOException ignored) {
                    // the read below fails then
                }
            });
            assertTrue(java.util.Arrays.equals(data, s.getInputStream().readAllBytes()));
            writer.join(10_000);
            assertEquals(1 << 20, echo.counters().get("tcp.bytes.echoed"));
        }
    }
}
