package dev.netsvc.echo.blocking;

import dev.netsvc.core.Counters;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.EchoConformance;
import dev.netsvc.testkit.ManualClock;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EchoBlockingServiceTest {

    private static final Duration T = Duration.ofSeconds(20);

    private static ServiceHarness start(String... settings) throws IOException {
        ServiceHarness h = ServiceHarness.of(new EchoBlockingService());
        for (int i = 0; i < settings.length; i += 2) {
            h.set(settings[i], settings[i + 1]);
        }
        return h.start();
    }

    static byte[] roundTrip(InetSocketAddress server, byte[] data) throws Exception {
        return EchoConformance.roundTrip(server, data);
    }

    @Test
    void echoesOneByteAndOneMebibyteExactly() throws Exception {
        try (ServiceHarness echo = start()) {
            assertArrayEquals(new byte[] {42}, roundTrip(echo.tcp(), new byte[] {42}));
            byte[] big = new byte[1 << 20];
            new Random(7).nextBytes(big);
            assertArrayEquals(big, roundTrip(echo.tcp(), big));
            assertEquals(1 + (1 << 20), echo.counters().get("tcp.bytes.echoed"));
        }
    }

    @Test
    void withNoBufferBudgetLeftBuffersStaySmallAndBulkIsStillExact() throws Exception {
        try (ServiceHarness echo = start("buffer-budget", "0")) {
            byte[] big = new byte[1 << 20];
            new Random(11).nextBytes(big);
            assertArrayEquals(big, roundTrip(echo.tcp(), big));
        }
    }

    @Test
    void halfCloseGetsEverythingBackThenTheServerCloses() throws Exception {
        try (ServiceHarness echo = start(); Socket s = new Socket(echo.host(), echo.tcpPort())) {
            s.setSoTimeout((int) T.toMillis());
            OutputStream out = s.getOutputStream();
            out.write("first ".getBytes());
            out.write("second".getBytes());
            s.shutdownOutput();
            assertEquals("first second", new String(s.getInputStream().readAllBytes()));
        }
    }

    @Test
    void twoHundredConcurrentConnections() throws Exception {
        try (ServiceHarness echo = start(); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                byte[] message = ("client " + i + " says hello").getBytes();
                results.add(pool.submit(() -> java.util.Arrays.equals(message, roundTrip(echo.tcp(), message))));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get());
            }
            assertEquals(200, echo.counters().get("tcp.connections.accepted"));
        }
    }

    @Test
    void connectionsBeyondTheMaximumWaitUntilOneCloses() throws Exception {
        try (ServiceHarness echo = start("max-connections", "2")) {
            Socket a = new Socket(echo.host(), echo.tcpPort());
            Socket b = new Socket(echo.host(), echo.tcpPort());
            try (a; b; Socket c = new Socket(echo.host(), echo.tcpPort())) {
                assertEquals('a', ping(a, 'a'));
                assertEquals('b', ping(b, 'b'));
                c.getOutputStream().write('c');
                c.setSoTimeout(300);
                assertThrows(SocketTimeoutException.class, () -> c.getInputStream().read(), "third client waits");
                a.close();
                c.setSoTimeout((int) T.toMillis());
                assertEquals('c', c.getInputStream().read(), "served once a permit is free");
            }
        }
    }

    @Test
    void idleConnectionsAreClosedWhenTheClockSays() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (ServiceHarness echo = ServiceHarness.of(new EchoBlockingService()).clock(clock).set("idle-timeout", "2s").start();
             Socket s = new Socket(echo.host(), echo.tcpPort())) {
            s.setSoTimeout((int) T.toMillis());
            assertEquals('x', ping(s, 'x'));
            // the server stamps the echo's write when it returns, perhaps after the client read it: so the
            // clock moves a second at a time until the sweep closes the connection
            Await.until(T, "idle-timeout counted", () -> {
                clock.advance(Duration.ofSeconds(1));
                return echo.counters().get(Counters.TCP_IDLE_TIMEOUT) == 1;
            });
            assertEquals(-1, s.getInputStream().read(), "closed");
        }
    }

    /** A client that writes and never reads stalls on TCP flow control; the server buffers nothing more. */
    @Test
    void aClientThatNeverReadsIsThrottledAndOthersAreServed() throws Exception {
        try (ServiceHarness echo = start(); SocketChannel greedy = SocketChannel.open(echo.tcp())) {
            greedy.configureBlocking(false);
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            long written = 0;
            long lastProgress = System.nanoTime();
            long deadline = System.nanoTime() + T.toNanos();
            // write until the connection has accepted nothing for a second (flow control holds it)
            while (System.nanoTime() - lastProgress < 1_000_000_000L) {
                assertTrue(System.nanoTime() < deadline, "writes never stalled after " + written + " bytes");
                chunk.clear();
                int n = greedy.write(chunk);
                if (n > 0) {
                    written += n;
                    lastProgress = System.nanoTime();
                } else {
                    Thread.onSpinWait();
                }
            }
            long stalledAt = written;
            assertTrue(stalledAt < 256L << 20, "stalled after " + stalledAt + " bytes (socket buffers only)");
            try (Socket other = new Socket(echo.host(), echo.tcpPort())) {
                other.setSoTimeout(5000);
                assertEquals('o', ping(other, 'o'), "another client is served promptly");
            }
        }
    }

    @Test
    void stopEndsIdleConnectionsWithAnOrderlyClose() throws Exception {
        ServiceHarness echo = start();
        try (Socket s = new Socket(echo.host(), echo.tcpPort())) {
            s.setSoTimeout((int) T.toMillis());
            assertEquals('s', ping(s, 's'));
            echo.close();
            assertEquals(-1, s.getInputStream().read());
        }
    }

    private static int ping(Socket s, char c) throws IOException {
        s.getOutputStream().write(c);
        InputStream in = s.getInputStream();
        return in.read();
    }
}
