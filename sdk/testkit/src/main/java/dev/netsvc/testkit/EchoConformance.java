package dev.netsvc.testkit;

import dev.netsvc.core.NetService;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What every RFC 862 TCP echo server must do, as a JUnit 5 suite a plugin's test extends:
 * <pre>{@code
 * class MyEchoConformanceTest extends EchoConformance {
 *     @Override
 *     protected NetService service() {
 *         return new MyEchoService();
 *     }
 * }
 * }</pre>
 * Each test starts the service with {@link ServiceHarness} on an ephemeral loopback port. The suite
 * checks byte-exact echo from 1 byte to 64 MiB, fragmented writes, half-close, 1,000 concurrent
 * connections, a client that writes without reading (the server stops reading from it, others are still
 * served, nothing is lost), abrupt resets, the connection limit (limit and limit + 1) and the idle
 * timeout. The service must declare the keys named by {@link #maxConnectionsKey()} and
 * {@link #idleTimeoutKey()}.
 */
public abstract class EchoConformance {

    /** How long any single wait may take before the test fails; generous for loaded CI machines. */
    protected static final Duration WAIT = Duration.ofSeconds(30);

    /** The service under test: a new instance each call. */
    protected abstract NetService service();

    /** The short name of the service's connection-limit key. */
    protected String maxConnectionsKey() {
        return "max-connections";
    }

    /** The short name of the service's idle-timeout key (a duration such as {@code 500ms}). */
    protected String idleTimeoutKey() {
        return "idle-timeout";
    }

    /** Starts the service with {@code settings} (short key, value, ...) on an ephemeral port. */
    protected ServiceHarness start(String... settings) throws IOException {
        return start(Clock.systemUTC(), settings);
    }

    /**
     * Starts the service on {@code clock} with {@code settings} (short key, value, ...) on an ephemeral
     * port; every test starts it here, so override this one to add settings of your own.
     */
    protected ServiceHarness start(Clock clock, String... settings) throws IOException {
        ServiceHarness harness = ServiceHarness.of(service()).grace(Duration.ofSeconds(2)).clock(clock);
        for (int i = 0; i + 1 < settings.length; i += 2) {
            harness.set(settings[i], settings[i + 1]);
        }
        return harness.start();
    }

    // ---- the suite ---------------------------------------------------------------------------------

    @Test
    void echoesEverySizeFromOneByteTo64MiBExactly() throws Exception {
        int[] sizes = {1, 2, 100, 1460, 4096, 65_535, 65_536, 65_537, (1 << 20) + 1, 64 << 20};
        try (ServiceHarness echo = start()) {
            for (int size : sizes) {
                streamAndCheck(echo.tcp(), size, size);
            }
        }
    }

    @Test
    void fragmentedWritesComeBackWhole() throws Exception {
        try (ServiceHarness echo = start(); Socket s = connect(echo.tcp())) {
            s.setTcpNoDelay(true); // every write its own segment
            byte[] data = new BytePattern(3).bytes(20_000);
            Random sizes = new Random(4);
            try (ExecutorService writer = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<?> sent = writer.submit(() -> {
                    OutputStream out = s.getOutputStream();
                    int at = 0;
                    while (at < data.length) {
                        int n = Math.min(data.length - at, at < 200 ? 1 : 1 + sizes.nextInt(300));
                        out.write(data, at, n);
                        out.flush();
                        at += n;
                    }
                    return null;
                });
                byte[] back = new byte[data.length];
                InputStream in = s.getInputStream();
                int got = 0;
                while (got < back.length) { // read in small, uneven pieces too
                    int n = in.read(back, got, Math.min(back.length - got, 1 + got % 97));
                    assertTrue(n > 0, "connection ended after " + got + " bytes");
                    got += n;
                }
                sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertArrayEquals(data, back);
            }
        }
    }

    @Test
    void halfCloseReturnsEverythingThenEndOfStream() throws Exception {
        try (ServiceHarness echo = start()) {
            try (Socket s = connect(echo.tcp())) {
                s.getOutputStream().write(ascii("first "));
                s.getOutputStream().write(ascii("second"));
                s.shutdownOutput();
                assertEquals("first second", new String(s.getInputStream().readAllBytes(), "US-ASCII"));
            }
            try (Socket quiet = connect(echo.tcp())) {
                quiet.shutdownOutput(); // nothing sent: the server just closes too
                assertEquals(-1, quiet.getInputStream().read());
            }
        }
    }

    @Test
    void aThousandConcurrentConnections() throws Exception {
        int n = 1000;
        try (ServiceHarness echo = start()) {
            List<Socket> sockets = new ArrayList<>(n);
            try {
                for (int i = 0; i < n; i++) {
                    sockets.add(connect(echo.tcp()));
                }
                for (int i = 0; i < n; i++) { // all 1,000 are open while each is echoed
                    sockets.get(i).getOutputStream().write(ascii("connection " + (100_000 + i)));
                }
                for (int i = 0; i < n; i++) {
                    byte[] back = sockets.get(i).getInputStream().readNBytes(17);
                    assertEquals("connection " + (100_000 + i), new String(back, "US-ASCII"));
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    /**
     * A client that writes and never reads: once the socket buffers on the way are full its writes stall
     * (the server stopped reading from it instead of buffering), other clients are still served
     * promptly, and when it finally reads it gets every byte back.
     */
    @Test
    void aClientThatNeverReadsIsThrottledAndOthersAreServed() throws Exception {
        try (ServiceHarness echo = start();
             SocketChannel greedy = SocketChannel.open();
             Selector selector = Selector.open()) {
            greedy.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 64 << 10);
            greedy.connect(echo.tcp());
            greedy.configureBlocking(false);
            SelectionKey key = greedy.register(selector, SelectionKey.OP_WRITE);
            BytePattern pattern = new BytePattern(5);
            long written = writeUntilStalled(greedy, selector, pattern, 256L << 20);
            assertTrue(written < 96L << 20, "the server kept reading from a client that never reads: "
                    + (written >> 20) + " MiB accepted");

            try (Socket other = connect(echo.tcp())) {
                for (int i = 0; i < 20; i++) {
                    long t0 = System.nanoTime();
                    other.getOutputStream().write(ascii("ping " + (10 + i)));
                    assertEquals("ping " + (10 + i), new String(other.getInputStream().readNBytes(7), "US-ASCII"));
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(ms < 2000, "another client waited " + ms + " ms for its echo");
                }
            }

            greedy.shutdownOutput();
            key.cancel();
            selector.selectNow(); // deregisters, so the channel may block again
            greedy.configureBlocking(true);
            assertEquals(written, readAndCheck(greedy.socket().getInputStream(), pattern, written),
                    "every byte comes back once the client reads");
        }
    }

    @Test
    void abruptResetsHurtNoOne() throws Exception {
        try (ServiceHarness echo = start()) {
            for (int i = 0; i < 10; i++) {
                Socket rude = connect(echo.tcp());
                if (i % 2 == 0) {
                    rude.getOutputStream().write(new BytePattern(i).bytes(1 << 20)); // pending echo on the server
                }
                rude.setSoLinger(true, 0);
                rude.close(); // RST instead of FIN
            }
            streamAndCheck(echo.tcp(), 100_000, 1 << 20);
        }
    }

    @Test
    void theConnectionLimitHoldsFurtherClientsUntilASlotFrees() throws Exception {
        int limit = 4;
        try (ServiceHarness echo = start(maxConnectionsKey(), Integer.toString(limit))) {
            List<Socket> served = new ArrayList<>();
            try {
                for (int i = 0; i < limit; i++) {
                    Socket s = connect(echo.tcp());
                    served.add(s);
                    assertTrue(echoes(s, Duration.ofSeconds(10)), "connection " + (i + 1) + " of " + limit + " is served");
                }
                try (Socket extra = connect(echo.tcp())) { // the kernel completes the handshake regardless
                    assertTrue(!echoes(extra, Duration.ofMillis(300)), "connection " + (limit + 1) + " waits");
                    served.remove(0).close();
                    extra.setSoTimeout((int) WAIT.toMillis());
                    assertEquals('?', extra.getInputStream().read(), "served once a slot frees");
                }
            } finally {
                for (Socket s : served) {
                    s.close();
                }
            }
        }
    }

    @Test
    void idleConnectionsAreClosedAndActiveOnesAreNot() throws Exception {
        ManualClock clock = new ManualClock(java.time.Instant.parse("2030-01-01T00:00:00Z"));
        try (ServiceHarness echo = start(clock, idleTimeoutKey(), "10s");
             Socket idle = connect(echo.tcp());
             Socket active = connect(echo.tcp())) {
            assertTrue(echoes(active, WAIT), "served (and so the idle one, which connected first, accepted)");
            for (int second = 3; second <= 9; second += 3) { // the active one echoes every 3 s of the clock
                clock.advance(Duration.ofSeconds(3));
                assertTrue(echoes(active, WAIT), "the active connection stays open at " + second + " s");
            }
            assertTrue(isOpen(idle), "the idle connection is not closed 9 s into a 10 s timeout");
            // the clock moves on a second at a time, the active connection echoing at each step
            Await.until(WAIT, "the idle connection to be closed", () -> {
                clock.advance(Duration.ofSeconds(1));
                try {
                    assertTrue(echoes(active, WAIT), "the active connection stays open");
                    return !isOpen(idle);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertTrue(echoes(active, WAIT), "the active connection is still open");
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    protected static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket(address.getAddress(), address.getPort());
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    /** Sends {@code size} pattern bytes in {@code chunk}-sized writes while reading; checks every byte back. */
    private static void streamAndCheck(InetSocketAddress address, int size, int chunk) throws Exception {
        BytePattern pattern = new BytePattern(size);
        try (Socket s = connect(address); ExecutorService writer = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> sent = writer.submit(() -> {
                OutputStream out = s.getOutputStream();
                byte[] buffer = new byte[Math.min(chunk, 1 << 20)];
                for (long at = 0; at < size; ) {
                    int n = (int) Math.min(buffer.length, size - at);
                    pattern.fill(at, buffer, 0, n);
                    out.write(buffer, 0, n);
                    at += n;
                }
                s.shutdownOutput();
                return null;
            });
            assertEquals(size, readAndCheck(s.getInputStream(), pattern, size), "bytes echoed of " + size);
            sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Reads to end of stream, checking against {@code pattern}; returns the count, which must not exceed {@code expected}. */
    private static long readAndCheck(InputStream in, BytePattern pattern, long expected) throws IOException {
        byte[] buffer = new byte[64 << 10];
        long at = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (at + n > expected) {
                fail("more bytes came back than were sent: " + (at + n) + " > " + expected);
            }
            int bad = pattern.mismatch(at, buffer, 0, n);
            if (bad >= 0) {
                fail("byte " + (at + bad) + " of " + expected + " differs");
            }
            at += n;
        }
        return at;
    }

    /** Writes pattern bytes until no write makes progress for a second (or {@code cap} bytes); returns the count. */
    private static long writeUntilStalled(SocketChannel channel, Selector selector, BytePattern pattern, long cap)
            throws IOException {
        byte[] chunk = new byte[64 << 10];
        ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, 0);
        long written = 0;
        while (written < cap) {
            if (!buffer.hasRemaining()) {
                pattern.fill(written, chunk, 0, chunk.length);
                buffer.clear();
            }
            int n = channel.write(buffer);
            written += n;
            if (n == 0 && selector.select(1000) == 0) {
                return written; // a full second without room to write: stalled
            }
            selector.selectedKeys().clear();
        }
        return written;
    }

    /**
     * Sends {@code data} on a new connection (writing while reading, so any size works), half-closes, and
     * returns every byte the server sent until it closed its side.
     */
    public static byte[] roundTrip(InetSocketAddress address, byte[] data) throws Exception {
        try (Socket s = connect(address); ExecutorService writer = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> sent = writer.submit(() -> {
                s.getOutputStream().write(data);
                s.shutdownOutput();
                return null;
            });
            byte[] echoed = s.getInputStream().readAllBytes();
            sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return echoed;
        }
    }

    /** Sends '?' and says whether it comes back within {@code within}: is this connection being served? */
    public static boolean echoes(Socket s, Duration within) throws IOException {
        s.getOutputStream().write('?');
        int old = s.getSoTimeout();
        s.setSoTimeout((int) within.toMillis());
        try {
            return s.getInputStream().read() == '?';
        } catch (SocketTimeoutException e) {
            return false;
        } finally {
            s.setSoTimeout(old);
        }
    }

    /**
     * Whether the server still holds the connection open: a short read finds nothing rather than the end
     * of stream or a reset. Use it on a connection with nothing in flight.
     */
    private static boolean isOpen(Socket s) throws IOException {
        int old = s.getSoTimeout();
        s.setSoTimeout(50);
        try {
            return readOrReset(s) != -1;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            s.setSoTimeout(old);
        }
    }

    /** A server may close an idle connection with FIN or, having nothing to flush, with RST: both end it. */
    private static int readOrReset(Socket s) throws IOException {
        try {
            return s.getInputStream().read();
        } catch (SocketException e) {
            return -1;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
