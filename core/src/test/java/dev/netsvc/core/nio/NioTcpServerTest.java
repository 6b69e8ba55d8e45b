package dev.netsvc.core.nio;

import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.Settings;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.EchoConformance;
import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The selector engine with real sockets on loopback, protocol handlers written for each behaviour. */
class NioTcpServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ConnectionHandler ECHO = (c, input) -> c.write(input);

    private final ManualClock clock = new ManualClock(java.time.Instant.parse("2030-01-01T00:00:00Z"));
    private final ServiceCounters counters = new ServiceCounters();
    private final List<CloseReason> closeReasons = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();
    private NioTcpServer server;

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    private NioTcpServer start(NioOptions options, ConnectionHandler.Factory handlers) throws IOException {
        ServiceContext context = ServiceContext.builder("nio-test")
                .bind(InetAddress.getLoopbackAddress(), 0)
                .settings(Settings.defaults("nio-test", List.of()))
                .counters(counters)
                .clock(clock)
                .build();
        server = NioTcpServer.start(context, options, handlers);
        return server;
    }

    private NioTcpServer start(NioOptions options, ConnectionHandler handler) throws IOException {
        return start(options, c -> recording(handler));
    }

    /** Wraps {@code handler} so the test sees why connections closed. */
    private ConnectionHandler recording(ConnectionHandler handler) {
        return new ConnectionHandler() {
            @Override
            public void onInput(Connection connection, ByteBuffer input) throws IOException {
                handler.onInput(connection, input);
            }

            @Override
            public void onEndOfInput(Connection connection) throws IOException {
                handler.onEndOfInput(connection);
            }

            @Override
            public void onClosed(Connection connection, CloseReason reason) {
                closeReasons.add(reason);
                handler.onClosed(connection, reason);
            }
        };
    }

    private static NioOptions options() {
        return NioOptions.defaults().withLoops(1).withIdleTimeout(Duration.ofSeconds(30));
    }

    private Socket connect() throws IOException {
        InetSocketAddress address = server.endpoint().address();
        Socket s = new Socket(address.getAddress(), address.getPort());
        s.setSoTimeout((int) WAIT.toMillis());
        sockets.add(s);
        return s;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String readString(Socket s, int n) throws IOException {
        return new String(s.getInputStream().readNBytes(n), StandardCharsets.US_ASCII);
    }

    private static boolean isServed(Socket s, Duration within) throws IOException {
        return EchoConformance.echoes(s, within);
    }

    /**
     * The gathering write with an empty last buffer: the socket takes only part of the first one (the
     * client is not reading yet), and the rest must still be queued and sent, not judged complete by the
     * empty last buffer.
     */
    @Test
    void aGatheringWriteEndingInAnEmptyBufferSendsEverythingToAClientThatStoppedReading() throws IOException {
        int size = 32 << 20; // far more than loopback's socket buffers take in one write
        start(options(), (c, input) -> {
            input.position(input.limit());
            byte[] big = new byte[size];
            Arrays.fill(big, (byte) 'x');
            c.write(ByteBuffer.wrap(big), ByteBuffer.allocate(0));
            c.close();
        });
        Socket s = connect();
        s.getOutputStream().write('?');
        Await.until(WAIT, "the server to hold output the client has not read",
                () -> counters.get("tcp.backpressure.pauses") >= 1);
        byte[] all = s.getInputStream().readAllBytes(); // now it reads: everything, then end of stream
        assertEquals(size, all.length, "every byte of the first buffer arrives");
    }

    @Test
    void echoesAndSpreadsConnectionsOverLoops() throws IOException {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        start(options().withLoops(2), c -> {
            threads.add(Thread.currentThread().getName());
            return ECHO;
        });
        for (int i = 0; i < 4; i++) {
            Socket s = connect();
            s.getOutputStream().write(ascii("hello " + i));
            assertEquals("hello " + i, readString(s, 7));
        }
        assertEquals(Set.of("nio-test-loop-0", "nio-test-loop-1"), threads);
        // an accept in progress holds a permit for a moment too
        Await.until(WAIT, "4 connections open", () -> server.openConnections() == 4);
    }

    @Test
    void unconsumedInputIsOfferedAgainWithWhatFollows() throws IOException {
        // a line protocol: answers each complete line in upper case, keeps a partial line for later
        start(options(), (c, input) -> {
            int start = input.position();
            for (int i = start; i < input.limit(); i++) {
                if (input.get(i) == '\n') {
                    byte[] line = new byte[i + 1 - input.position()];
                    input.get(line);
                    c.write(ByteBuffer.wrap(new String(line, StandardCharsets.US_ASCII).toUpperCase().getBytes(StandardCharsets.US_ASCII)));
                }
            }
        });
        Socket s = connect();
        for (String part : new String[] {"hel", "lo\nwor", "ld", "\n"}) {
            s.getOutputStream().write(ascii(part));
            s.getOutputStream().flush();
        }
        assertEquals("HELLO\nWORLD\n", readString(s, 12));
    }

    @Test
    void inputKeptWhileSuspendedIsOfferedOnResumeWithoutNewBytes() throws IOException {
        // answers one line per call, then pauses input while "working" on another thread
        start(options(), (c, input) -> {
            int end = input.position();
            while (input.get(end) != '\n') {
                if (++end == input.limit()) {
                    return; // no complete line yet
                }
            }
            byte[] line = new byte[end + 1 - input.position()];
            input.get(line);
            c.suspendInput();
            Thread.ofVirtual().start(() -> c.execute(() -> {
                try {
                    c.write(ByteBuffer.wrap(new String(line, StandardCharsets.US_ASCII).toUpperCase().getBytes(StandardCharsets.US_ASCII)));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                c.resumeInput();
            }));
        });
        Socket s = connect();
        s.getOutputStream().write(ascii("a\nb\nc\n")); // pipelined: one segment, three requests
        assertEquals("A\nB\nC\n", readString(s, 6));
    }

    @Test
    void aHandlerThatLeavesAFullBufferUnconsumedHitsTheInputLimit() throws IOException {
        AtomicInteger offered = new AtomicInteger();
        start(options().withReadBufferSize(64), (c, input) -> offered.set(input.remaining()));
        Socket s = connect();
        s.getOutputStream().write(new byte[63]);
        Await.until(WAIT, "63 bytes offered", () -> offered.get() == 63);
        assertEquals(1, server.openConnections(), "63 of 64 bytes unconsumed is within the limit");

        s.getOutputStream().write(1);
        assertEquals(-1, s.getInputStream().read(), "the 64th byte closes the connection");
        Await.until(WAIT, "input-limit counted", () -> counters.get("tcp.connections.input-limit") == 1);
        assertEquals(List.of(CloseReason.INPUT_LIMIT), closeReasons);
    }

    @Test
    void aPeerThatStopsReadingStopsTheServerReading() throws Exception {
        int maxPending = 64 << 10;
        AtomicInteger maxSeen = new AtomicInteger();
        start(options().withMaxPendingOutput(maxPending).withReadBufferSize(16 << 10), (c, input) -> {
            c.write(input);
            maxSeen.accumulateAndGet(c.pendingOutput(), Math::max);
        });
        Socket stuck = new Socket();
        stuck.setReceiveBufferSize(16 << 10);
        stuck.connect(server.endpoint().address());
        sockets.add(stuck);
        stuck.setSoTimeout((int) WAIT.toMillis());

        // write 32 MiB on another thread; it blocks once every buffer on the way is full
        byte[] data = new byte[32 << 20];
        new java.util.Random(1).nextBytes(data);
        AtomicReference<Throwable> writeFailure = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                stuck.getOutputStream().write(data);
            } catch (IOException e) {
                writeFailure.set(e);
            }
        });
        Await.until(WAIT, "the server to pause reading", () -> counters.get("tcp.backpressure.pauses") >= 1);
        assertTrue(maxSeen.get() <= maxPending + (16 << 10), "pending output stays bounded: " + maxSeen.get());

        Socket other = connect();
        assertTrue(isServed(other, WAIT), "another client is served meanwhile");

        byte[] back = stuck.getInputStream().readNBytes(data.length);
        writer.join(WAIT);
        assertEquals(null, writeFailure.get());
        assertTrue(Arrays.equals(data, back), "everything comes back, in order, once the client reads");
        assertTrue(maxSeen.get() <= maxPending + (16 << 10), "pending output stayed bounded: " + maxSeen.get());
    }

    @Test
    void halfCloseDeliversEverythingThenEndOfStream() throws IOException {
        start(options(), ECHO);
        Socket s = connect();
        s.getOutputStream().write(ascii("last words"));
        s.shutdownOutput();
        InputStream in = s.getInputStream();
        assertEquals("last words", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        Await.until(WAIT, "completed close", () -> closeReasons.equals(List.of(CloseReason.COMPLETED)));
    }

    @Test
    void handlerShutdownOutputKeepsInputFlowing() throws IOException {
        AtomicInteger received = new AtomicInteger();
        start(options(), new ConnectionHandler() {
            @Override
            public void onInput(Connection c, ByteBuffer input) throws IOException {
                if (received.getAndAdd(input.remaining()) == 0) {
                    c.write(ByteBuffer.wrap(ascii("bye")));
                    c.shutdownOutput();
                    assertThrows(IllegalStateException.class, () -> c.write(ByteBuffer.allocate(1)));
                }
                input.position(input.limit());
            }
        });
        Socket s = connect();
        s.getOutputStream().write(ascii("x"));
        assertEquals("bye", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        s.getOutputStream().write(ascii("more"));
        Await.until(WAIT, "input after our FIN", () -> received.get() == 5);
    }

    @Test
    void closeWhileThePeerIsStillSendingDeliversTheWholeReply() throws Exception {
        byte[] reply = new byte[1 << 20];
        new java.util.Random(2).nextBytes(reply);
        start(options(), (c, input) -> {
            input.position(input.limit());
            if (c.isOpen()) {
                c.write(ByteBuffer.wrap(reply));
                c.close();
            }
        });
        Socket s = connect();
        Thread sender = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 256; i++) {
                    s.getOutputStream().write(new byte[4096]);
                }
            } catch (IOException ignored) {
                // the server may close its side once it has drained enough: not what is tested
            }
        });
        assertArrayEquals(reply, s.getInputStream().readNBytes(reply.length));
        sender.join(WAIT);
    }

    @Test
    void idleConnectionsCloseOnTheInjectedClock() throws IOException {
        start(options().withIdleTimeout(Duration.ofSeconds(10)), ECHO);
        Socket idle = connect();
        Socket active = connect();
        Await.until(WAIT, "two connections", () -> server.openConnections() == 2);

        clock.advance(Duration.ofSeconds(6));
        active.getOutputStream().write('a');
        assertEquals('a', active.getInputStream().read());

        clock.advance(Duration.ofSeconds(5)); // idle: 11 s without input; active: 5 s
        server.wakeup();
        assertEquals(-1, idle.getInputStream().read(), "the idle connection is closed");
        Await.until(WAIT, () -> "one closed: " + closeReasons, () -> closeReasons.size() == 1);
        assertEquals(1, server.openConnections(), () -> "closed: " + closeReasons);
        assertTrue(isServed(active, WAIT), "the active one is not");

        clock.advance(Duration.ofSeconds(11));
        server.wakeup();
        assertEquals(-1, active.getInputStream().read());
        Await.until(WAIT, "counted", () -> counters.get("tcp.connections.idle-timeout") == 2);
    }

    @Test
    void theConnectionLimitLeavesFurtherClientsInTheBacklog() throws IOException {
        start(options().withMaxConnections(2), ECHO);
        Socket first = connect();
        Socket second = connect();
        assertTrue(isServed(first, WAIT) && isServed(second, WAIT));
        Socket third = connect(); // the kernel completes the handshake; the server does not accept
        assertTrue(!isServed(third, Duration.ofMillis(300)), "limit + 1 waits");
        assertEquals(2, server.openConnections());

        first.close();
        assertEquals('?', third.getInputStream().read(), "served once a slot frees");
    }

    @Test
    void aFailingHandlerClosesOnlyItsConnection() throws IOException {
        start(options(), c -> {
            if (c.remoteAddress() == null) {
                throw new AssertionError("no remote address");
            }
            return recording((conn, input) -> {
                if (input.get(input.position()) == '!') {
                    throw new IllegalStateException("boom (expected by the test)");
                }
                conn.write(input);
            });
        });
        Socket good = connect();
        Socket bad = connect();
        bad.getOutputStream().write('!');
        assertEquals(-1, bad.getInputStream().read());
        assertTrue(isServed(good, WAIT));
        Await.until(WAIT, "failure counted", () -> counters.get("tcp.connections.failed") == 1);
        assertEquals(List.of(CloseReason.FAILED), closeReasons);
    }

    @Test
    void aFailingFactoryClosesOnlyThatConnection() throws IOException {
        AtomicInteger opened = new AtomicInteger();
        start(options(), c -> {
            if (opened.incrementAndGet() == 1) {
                throw new IOException("no handler for you (expected by the test)");
            }
            return ECHO;
        });
        Socket refused = connect();
        assertEquals(-1, refused.getInputStream().read());
        assertTrue(isServed(connect(), WAIT));
    }

    @Test
    void aResetPeerIsJustGone() throws IOException {
        start(options().withReadBufferSize(64 << 10), ECHO);
        Socket rude = connect();
        rude.setReceiveBufferSize(4096);
        rude.getOutputStream().write(new byte[1 << 20]); // echo piles up on the server
        rude.setSoLinger(true, 0);
        rude.close(); // RST
        Await.until(WAIT, "the reset connection is closed", () -> server.openConnections() == 0);
        assertTrue(isServed(connect(), WAIT));
        assertEquals(0, counters.get("tcp.connections.failed"), "a reset is not a failure");
    }

    @Test
    void otherThreadsGoThroughExecute() throws Exception {
        AtomicReference<Connection> held = new AtomicReference<>();
        start(options(), c -> {
            held.set(c);
            return ECHO;
        });
        Socket s = connect();
        Await.until(WAIT, "connection", () -> held.get() != null);
        Connection c = held.get();
        assertThrows(IllegalStateException.class, () -> c.write(ByteBuffer.wrap(ascii("no"))));
        c.execute(() -> {
            try {
                c.write(ByteBuffer.wrap(ascii("pushed")));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals("pushed", readString(s, 6));
    }

    @Test
    void stopEndsInputSoHandlersFinishThenClosesTheRest() throws IOException {
        start(options(), ECHO);
        Socket idle = connect();
        Await.until(WAIT, "connected", () -> server.openConnections() == 1);
        long t0 = System.nanoTime();
        server.stop(Duration.ofSeconds(5));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos(), "an idle connection does not hold stop up");
        assertEquals(-1, idle.getInputStream().read(), "orderly end of stream");
        assertEquals(0, server.openConnections());
    }

    @Test
    void stopClosesAHandlerThatIgnoresTheEndAfterTheGrace() throws IOException {
        start(options(), new ConnectionHandler() {
            @Override
            public void onInput(Connection c, ByteBuffer input) {
                input.position(input.limit());
            }

            @Override
            public void onEndOfInput(Connection c) {
                // keeps the connection open
            }
        });
        Socket s = connect();
        Await.until(WAIT, "connected", () -> server.openConnections() == 1);
        server.stop(Duration.ofMillis(200));
        assertEquals(-1, s.getInputStream().read());
        assertEquals(List.of(CloseReason.STOPPED), closeReasons);
    }

    @Test
    void optionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> options().withMaxConnections(0));
        assertThrows(IllegalArgumentException.class, () -> options().withIdleTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> options().withReadBufferSize(10));
        assertEquals(Runtime.getRuntime().availableProcessors(), options().withLoops(0).loops());
    }
}
