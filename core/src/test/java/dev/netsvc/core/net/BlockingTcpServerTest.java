package dev.netsvc.core.net;

import dev.netsvc.core.Counters;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.Settings;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deadlines of {@link BlockingTcpServer} (idle timeout, read deadlines, lingering close) on a clock the
 * test moves, its connection limit, and its stop.
 */
class BlockingTcpServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final ServiceCounters counters = new ServiceCounters();
    private BlockingTcpServer server;

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(2));
    }

    private InetSocketAddress start(BlockingTcpServer.Handler handler) throws IOException {
        return start(10, handler);
    }

    private InetSocketAddress start(int maxConnections, BlockingTcpServer.Handler handler) throws IOException {
        ServiceContext context = ServiceContext.builder("blocking-test")
                .bind(InetAddress.getLoopbackAddress(), 0)
                .settings(Settings.defaults("blocking-test", List.of()))
                .counters(counters)
                .clock(clock)
                .build();
        server = BlockingTcpServer.start(context, new BlockingTcpServer.Limits(maxConnections, Duration.ofSeconds(10)), handler);
        return server.endpoint().address();
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket(address.getAddress(), address.getPort());
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    private static void echo(TcpConnection connection) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (connection.read(buffer.clear()) >= 0) {
            connection.write(buffer.flip());
        }
    }

    @Test
    void aConnectionIsNotIdleFromTheMomentTheServerBeganWaitingForIt() throws Exception {
        long[] seen = new long[1];
        InetSocketAddress address = start(connection -> {
            seen[0] = connection.lastActivity;
            echo(connection);
        });
        // the acceptor waits for a connection
        Await.until(WAIT, "the acceptor waits in select", () -> Thread.getAllStackTraces().entrySet().stream()
                .anyMatch(e -> e.getKey().getName().equals("blocking-test-accept")
                        && java.util.Arrays.stream(e.getValue()).anyMatch(f -> f.getMethodName().equals("doSelect"))));
        clock.advance(Duration.ofMinutes(1)); // a quiet minute, far past the 10 s idle timeout
        try (Socket client = connect(address)) {
            client.getOutputStream().write('a');
            assertEquals('a', client.getInputStream().read(), "served, not swept as idle");
            assertEquals(clock.millis(), seen[0], "idle time counts from the accept");
        }
        assertEquals(0, counters.get(Counters.TCP_IDLE_TIMEOUT));
    }

    @Test
    void anIdleConnectionClosesOnlyOnceTheClockSaysSo() throws IOException {
        InetSocketAddress address = start(BlockingTcpServerTest::echo);
        try (Socket idle = connect(address); Socket active = connect(address)) {
            Await.until(WAIT, "both served", () -> server.openConnections() == 2);
            clock.advance(Duration.ofSeconds(6));
            active.getOutputStream().write('a');
            assertEquals('a', active.getInputStream().read(), "a read and a write: activity at 6 s");

            clock.advance(Duration.ofSeconds(5)); // idle: 11 s, active: 5 s
            assertEquals(-1, idle.getInputStream().read(), "the idle connection is closed by the sweep");
            Await.until(WAIT, "counted", () -> counters.get(Counters.TCP_IDLE_TIMEOUT) == 1);
            active.getOutputStream().write('b');
            assertEquals('b', active.getInputStream().read(), "the active one is still served");
        }
    }

    @Test
    void aWriteBlockedOnAClientThatNeverReadsTimesOutToo() throws IOException {
        InetSocketAddress address = start(BlockingTcpServerTest::echo);
        try (Socket greedy = new Socket()) {
            greedy.setReceiveBufferSize(4096);
            greedy.connect(address);
            byte[] chunk = new byte[64 << 10];
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        greedy.getOutputStream().write(chunk); // until every buffer is full, then blocks
                    }
                } catch (IOException expected) {
                    // the server closed the connection
                }
            });
            Await.until(WAIT, "the connection to be served", () -> server.openConnections() == 1);
            // time passes (a second of clock per poll); once the echo stalls, its last completed read or
            // write stops moving on, and ten seconds of clock later the sweep closes the connection
            Await.until(WAIT, "the stalled connection to be closed", () -> {
                clock.advance(Duration.ofSeconds(1));
                return server.openConnections() == 0;
            });
            assertEquals(1, counters.get(Counters.TCP_IDLE_TIMEOUT));
            writer.interrupt();
        }
    }

    /** Waits until {@code thread} is parked (in a read), so the clock moves while it waits. */
    private static void awaitParked(AtomicReference<Thread> thread) {
        Await.until(WAIT, "the handler waits for input", () -> thread.get() != null
                && thread.get().getState() == Thread.State.WAITING);
    }

    @Test
    void aReadDeadlineEndsTheWaitOnlyOnceTheClockPassesItAndOutputStillGoes() throws Exception {
        AtomicReference<Thread> reader = new AtomicReference<>();
        InetSocketAddress address = start(connection -> {
            connection.readDeadline(Duration.ofSeconds(3)); // shorter than the 10 s idle timeout
            reader.set(Thread.currentThread());
            try {
                connection.read(ByteBuffer.allocate(16));
            } catch (SocketTimeoutException e) {
                connection.write(ByteBuffer.wrap("too late\n".getBytes(StandardCharsets.US_ASCII)));
                assertTrue(connection.isInputShutdown());
                connection.closeLingering(Duration.ofSeconds(2)); // input ended: FIN, no wait
            }
        });
        try (Socket client = connect(address)) {
            awaitParked(reader);
            clock.advance(Duration.ofMillis(2999));
            client.setSoTimeout(300); // more than a sweep tick
            assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read(), "no answer 1 ms before the deadline");
            client.setSoTimeout((int) WAIT.toMillis());
            clock.advance(Duration.ofMillis(1));
            assertArrayEquals("too late\n".getBytes(StandardCharsets.US_ASCII), client.getInputStream().readAllBytes());
        }
        Await.until(WAIT, "the connection is closed", () -> server.openConnections() == 0);
        assertEquals(0, counters.get(Counters.TCP_IDLE_TIMEOUT), "the handler dealt with its deadline");
    }

    @Test
    void aClearedReadDeadlineNoLongerApplies() throws Exception {
        AtomicReference<Thread> reader = new AtomicReference<>();
        InetSocketAddress address = start(connection -> {
            connection.readDeadline(Duration.ofSeconds(1));
            connection.clearReadDeadline();
            reader.set(Thread.currentThread());
            echo(connection);
        });
        try (Socket client = connect(address)) {
            awaitParked(reader);
            clock.advance(Duration.ofSeconds(5)); // past the cleared deadline, within the idle timeout
            client.getOutputStream().write('x');
            assertEquals('x', client.getInputStream().read(), "still served");
        }
    }

    @Test
    void aLingeringCloseDeliversTheWholeReplyToAClientStillSending() throws Exception {
        byte[] reply = new byte[200 * 1024]; // more than the client's receive buffer holds
        Arrays.fill(reply, (byte) 'r');
        InetSocketAddress address = start(connection -> {
            connection.write(ByteBuffer.wrap(reply));
            connection.closeLingering(Duration.ofSeconds(2));
        });
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(4096);
            client.connect(address);
            client.setSoTimeout((int) WAIT.toMillis());
            // input the server never reads, there before the server's write can complete: a plain close would reset
            client.getOutputStream().write(new byte[8192]);
            assertArrayEquals(reply, client.getInputStream().readAllBytes(), "every byte, then FIN, not a reset");
        }
    }

    @Test
    void aLingeringCloseGivesUpOnASilentClientWhenTheClockSays() throws Exception {
        InetSocketAddress address = start(1, connection -> {
            connection.write(ByteBuffer.wrap(new byte[] {'!'}));
            connection.closeLingering(Duration.ofSeconds(2));
        });
        try (Socket silent = connect(address); Socket next = connect(address)) {
            assertEquals('!', silent.getInputStream().read());
            assertEquals(-1, silent.getInputStream().read(), "FIN after the reply");
            // 'silent' never closes: the one permit is held for the linger, and 'next' waits in the backlog
            next.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> next.getInputStream().read(), "limit + 1 waits");
            clock.advance(Duration.ofSeconds(2));
            next.setSoTimeout((int) WAIT.toMillis());
            assertEquals('!', next.getInputStream().read(), "served once the linger passed on the clock");
        }
        assertTrue(counters.get(Counters.TCP_LIMIT_REACHED) >= 1, "the limit stopped accepting");
    }

    @Test
    void stopEndsEveryConnectionsInputAndWaitsForItsHandler() throws Exception {
        AtomicBoolean sawEnd = new AtomicBoolean();
        InetSocketAddress address = start(connection -> {
            echo(connection);
            sawEnd.set(connection.isInputShutdown());
            connection.output().write("bye".getBytes(StandardCharsets.US_ASCII)); // output still works
        });
        try (Socket client = connect(address)) {
            client.getOutputStream().write('a');
            assertEquals('a', client.getInputStream().read());
            server.stop(Duration.ofSeconds(5));
            assertArrayEquals("bye".getBytes(StandardCharsets.US_ASCII), client.getInputStream().readAllBytes());
            assertTrue(sawEnd.get(), "the handler saw the server end its input");
            assertEquals(0, server.openConnections());
        }
    }

    @Test
    void streamsReadAndWriteTheConnection() throws Exception {
        InetSocketAddress address = start(connection -> {
            String line = SocketIo.readLine(new java.io.BufferedInputStream(connection.input()), 100);
            connection.output().write((line.toUpperCase() + " from " + connection.remoteAddress().getAddress().getHostAddress()
                    + "\n").getBytes(StandardCharsets.US_ASCII));
        });
        try (Socket client = connect(address)) {
            client.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("HELLO from 127.0.0.1\n", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
    }
}
