package dev.netsvc.core.net;

import dev.netsvc.core.internal.Sockets;
import dev.netsvc.core.Counters;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.Settings;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The output of a {@link TcpConnection} of a {@link BlockingTcpServer}: gathering writes and files by
 * {@code sendfile}, byte for byte, to fast, slow and stalled clients, seen as activity by the idle sweep.
 */
class TcpConnectionTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final ServiceCounters counters = new ServiceCounters();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private BlockingTcpServer server;

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(2));
    }

    private InetSocketAddress start(BlockingTcpServer.Handler handler) throws IOException {
        ServiceContext context = ServiceContext.builder("output-test")
                .bind(InetAddress.getLoopbackAddress(), 0)
                .settings(Settings.defaults("output-test", List.of()))
                .counters(counters)
                .clock(clock)
                .build();
        server = BlockingTcpServer.start(context, new BlockingTcpServer.Limits(64, Duration.ofSeconds(10)), connection -> {
            try {
                handler.serve(connection);
            } catch (IOException | RuntimeException e) {
                failures.add(e);
                throw e;
            }
        });
        return server.endpoint().address();
    }

    private Path file(int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(tmp.resolve("f" + size), bytes);
    }

    /** Sends a head, then the whole file by {@link TcpConnection#transferFrom}, without reading first. */
    private static BlockingTcpServer.Handler sendFile(Path path, byte[] head) {
        return out -> {
            try (FileChannel file = FileChannel.open(path)) {
                long position = 0;
                long size = file.size();
                out.write(new ByteBuffer[] {ByteBuffer.wrap(head), ByteBuffer.allocate(0)});
                while (position < size) {
                    long n = out.transferFrom(file, position, size - position);
                    assertTrue(n > 0, "progress or an exception, never a silent zero");
                    position += n;
                }
                assertEquals(0, out.transferFrom(file, size, 10), "nothing at the end of the file");
            }
        };
    }

    private static byte[] readAll(Socket client, int pauseEveryBytes) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = client.getInputStream();
        byte[] buffer = new byte[4096];
        int n;
        long sincePause = 0;
        while ((n = in.read(buffer)) >= 0) {
            got.write(buffer, 0, n);
            sincePause += n;
            if (pauseEveryBytes > 0 && sincePause >= pauseEveryBytes) {
                sincePause = 0;
                Thread.yield(); // a slow reader: the server's socket fills and empties many times
            }
        }
        return got.toByteArray();
    }

    @Test
    void filesOfManySizesArriveByteForByteAfterTheirHead() throws IOException {
        for (int size : new int[] {0, 1, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 1 << 20, 8 << 20}) {
            Path path = file(size);
            byte[] head = ("size " + size + "\n").getBytes();
            if (server != null) {
                server.stop(Duration.ofSeconds(2));
            }
            InetSocketAddress address = start(sendFile(path, head));
            try (Socket client = new Socket(address.getAddress(), address.getPort())) {
                client.setSoTimeout((int) WAIT.toMillis());
                byte[] got = readAll(client, 0);
                byte[] expected = new byte[head.length + size];
                System.arraycopy(head, 0, expected, 0, head.length);
                System.arraycopy(Files.readAllBytes(path), 0, expected, head.length, size);
                assertArrayEquals(expected, got, "file of " + size + " bytes");
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void slowReadersGetEveryByteAndStalledOnesHoldNoCarrierThread() throws Exception {
        Path path = file(4 << 20);
        InetSocketAddress address = start(sendFile(path, "head\n".getBytes()));
        // more stalled downloads than carrier threads: a sendfile waiting on a blocking socket would hold
        // its carrier, and then nothing else would run
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < Runtime.getRuntime().availableProcessors() + 2; i++) {
                Socket s = new Socket();
                s.setReceiveBufferSize(4096);
                s.connect(address);
                stalled.add(s);
            }
            Await.until(WAIT, "all served", () -> server.openConnections() == stalled.size());
            byte[] expected = new byte[5 + (4 << 20)];
            System.arraycopy("head\n".getBytes(), 0, expected, 0, 5);
            System.arraycopy(Files.readAllBytes(path), 0, expected, 5, 4 << 20);
            try (Socket slow = new Socket(address.getAddress(), address.getPort())) {
                slow.setSoTimeout((int) WAIT.toMillis());
                assertArrayEquals(expected, readAll(slow, 64 * 1024), "a slow reader next to the stalled ones");
            }
            for (Socket s : stalled) { // and the stalled ones still get everything once they read
                s.setSoTimeout((int) WAIT.toMillis());
                assertArrayEquals(expected, readAll(s, 0));
            }
        } finally {
            stalled.forEach(Sockets::closeQuietly);
        }
        assertEquals(List.of(), failures);
        assertEquals(0, counters.get(Counters.TCP_IDLE_TIMEOUT));
    }

    @Test
    void aDownloadThatKeepsMovingIsActivityAndAStalledOneIsClosedIdle() throws Exception {
        Path path = file(8 << 20);
        AtomicLong lastSeen = new AtomicLong();
        InetSocketAddress address = start(out -> {
            try (FileChannel file = FileChannel.open(path)) {
                long position = 0;
                while (position < file.size()) {
                    position += out.transferFrom(file, position, file.size() - position);
                    lastSeen.set(out.lastActivity);
                }
            }
        });
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(4096);
            client.connect(address);
            client.setSoTimeout((int) WAIT.toMillis());
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            assertTrue(in.read(buffer) > 0);
            clock.advance(Duration.ofSeconds(8)); // within the 10 s idle timeout
            long before = lastSeen.get();
            Await.until(WAIT, "the download moves on and counts as activity", () -> {
                try {
                    in.read(buffer);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return lastSeen.get() > before;
            });
            // the client stops reading: once the server's socket is full, the next 11 s are idle
            Await.until(WAIT, "closed as idle", () -> {
                clock.advance(Duration.ofSeconds(11));
                return counters.get(Counters.TCP_IDLE_TIMEOUT) == 1;
            });
        }
        Await.until(WAIT, "the handler saw its write fail", () -> failures.size() == 1);
        assertTrue(failures.get(0) instanceof IOException, failures.get(0).toString());
    }

    @Test
    void aClientThatGoesAwayEndsTheTransferWithAnException() throws Exception {
        Path path = file(16 << 20);
        InetSocketAddress address = start(sendFile(path, new byte[0]));
        try (Socket client = new Socket(address.getAddress(), address.getPort())) {
            assertTrue(client.getInputStream().read() >= 0);
            client.setSoLinger(true, 0); // a reset, as when a browser tab is closed
        }
        Await.until(WAIT, "the handler saw the reset", () -> failures.size() == 1);
        assertTrue(failures.get(0) instanceof IOException, failures.get(0).toString());
        Await.until(WAIT, "the connection is closed", () -> server.openConnections() == 0);
    }

}
