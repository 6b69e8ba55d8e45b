package dev.netsvc.dist;

import dev.netsvc.testkit.EchoConformance;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An echo service in the distribution, talked to over loopback by our code and by clients we did not
 * write; each echo server runs it through a subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EchoServiceIT {

    private static final Duration T = Duration.ofSeconds(30);
    private DistProcess netsvc;
    private int port;

    /** The service under test, such as {@code echo-blocking}. */
    abstract String serviceId();

    @BeforeAll
    void start() {
        netsvc = DistProcess.run("--enable", serviceId(), "--set", serviceId() + ".port=0");
        port = netsvc.port(serviceId(), "tcp");
    }

    /** The port the service reported for {@code transport} ("tcp" or "udp"). */
    int port(String transport) {
        return netsvc.port(serviceId(), transport);
    }

    @AfterAll
    void stop() {
        assertEquals(0, netsvc.terminate(T), netsvc::output);
    }

    byte[] roundTrip(byte[] data) throws Exception {
        return EchoConformance.roundTrip(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), data);
    }

    @Test
    void oneByte() throws Exception {
        assertArrayEquals(new byte[] {7}, roundTrip(new byte[] {7}));
    }

    @Test
    void oneMebibyte() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(1).nextBytes(data);
        assertArrayEquals(data, roundTrip(data));
    }

    @Test
    void halfCloseReturnsEverythingThenCloses() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout((int) T.toMillis());
            s.getOutputStream().write("no more from me".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            assertEquals("no more from me", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void twoHundredConcurrentConnections() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> ok = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                byte[] message = new byte[1000 + i];
                new Random(i).nextBytes(message);
                ok.add(pool.submit(() -> Arrays.equals(message, roundTrip(message))));
            }
            for (Future<Boolean> f : ok) {
                assertTrue(f.get(60, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void theTutorialEchoClient() throws Exception {
        String python = Tools.require("python3");
        Process p = new ProcessBuilder(python, tutorialClient("echo_client.py"), "127.0.0.1", Integer.toString(port))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertEquals("Received Hello, world", out.strip());
    }

    @Test
    void theTutorialMultiConnectionClient() throws Exception {
        String python = Tools.require("python3");
        Process p = new ProcessBuilder(python, tutorialClient("multiconn_client.py"), "127.0.0.1", Integer.toString(port), "20")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("summary: received 880 of 880 bytes, closed 20 of 20 connections"), out);
    }

    @Test
    void netcat() throws Exception {
        String nc = Tools.require("nc");
        // -N: shut down the socket after end of input (OpenBSD netcat), so the server half-close path runs
        Process p = new ProcessBuilder(nc, "-N", "127.0.0.1", Integer.toString(port)).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write("hello from netcat\n".getBytes(StandardCharsets.US_ASCII));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals("hello from netcat\n", out);
    }

    /**
     * Clients that write and never read: their writes stall once the socket buffers are full (the server
     * reads no more than it can write back), the server's memory stays flat, and others are still served.
     */
    @Test
    void writersThatNeverReadAreThrottledAndMemoryStaysBounded() throws Exception {
        long rssBefore = rssKiB(netsvc.pid());
        List<SocketChannel> greedy = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                SocketChannel c = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                c.configureBlocking(false);
                greedy.add(c);
            }
            long total = 0;
            ByteBuffer chunk = ByteBuffer.allocate(256 * 1024);
            long lastProgress = System.nanoTime();
            long deadline = System.nanoTime() + T.toNanos();
            while (System.nanoTime() - lastProgress < 2_000_000_000L) {
                assertTrue(System.nanoTime() < deadline, "writes never stalled; " + total + " bytes accepted");
                boolean progress = false;
                for (SocketChannel c : greedy) {
                    chunk.clear();
                    int n = c.write(chunk);
                    total += n;
                    progress |= n > 0;
                }
                if (progress) {
                    lastProgress = System.nanoTime();
                } else {
                    Thread.onSpinWait();
                }
            }
            long perConnection = total / greedy.size();
            assertTrue(perConnection < 64L << 20, "each stalled after " + perConnection + " bytes (socket buffers)");
            long grownKiB = rssKiB(netsvc.pid()) - rssBefore;
            assertTrue(grownKiB < 128 * 1024, "server RSS grew by " + grownKiB + " KiB while clients pushed " + total + " bytes");
            assertArrayEquals("still served".getBytes(), roundTrip("still served".getBytes()));
        } finally {
            for (SocketChannel c : greedy) {
                c.close();
            }
        }
    }

    private static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new AssertionError("no VmRSS for " + pid);
    }

    /** A classic socket-tutorial client, kept as written under src/test/resources/tutorial-clients/. */
    static String tutorialClient(String name) {
        Path script = Path.of("target/test-classes/tutorial-clients").resolve(name);
        assertTrue(Files.isRegularFile(script), script + " exists");
        return script.toAbsolutePath().toString();
    }
}
