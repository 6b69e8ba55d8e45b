package dev.netsvc.core.async;

import dev.netsvc.core.Counters;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.Settings;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Core's NIO.2 engine with handlers other than the echo: writes in order, end of input, idle timeout, limit, stop. */
class AsyncTcpServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final ServiceCounters counters = new ServiceCounters();
    private AsyncTcpServer server;

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(2));
    }

    private InetSocketAddress start(int maxConnections, AsyncHandler handler) throws IOException {
        ServiceContext context = ServiceContext.builder("async-test")
                .bind(InetAddress.getLoopbackAddress(), 0)
                .settings(Settings.defaults("async-test", List.of()))
                .counters(counters)
                .clock(clock)
                .build();
        server = AsyncTcpServer.start(context, new AsyncTcpServer.Limits(2, maxConnections, Duration.ofSeconds(10),
                64 * 1024, 1 << 20), connection -> handler);
        return server.endpoint().address();
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket(address.getAddress(), address.getPort());
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Answers each input with it in upper case and a '|', and says "bye" when input ends. */
    private static final AsyncHandler SHOUT = new AsyncHandler() {
        @Override
        public void onInput(AsyncConnection connection, ByteBuffer input) {
            String text = StandardCharsets.US_ASCII.decode(input).toString();
            connection.write(ascii(text.toUpperCase()));
            connection.write(ascii("|"));
        }

        @Override
        public void onEndOfInput(AsyncConnection connection) {
            connection.write(ascii("bye"));
            connection.close();
        }
    };

    @Test
    void writesGoOutInOrderAndEndOfInputGetsItsLastWordThenFin() throws IOException {
        InetSocketAddress address = start(10, SHOUT);
        try (Socket client = connect(address)) {
            client.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
            byte[] first = client.getInputStream().readNBytes(3);
            assertEquals("HI|", new String(first, StandardCharsets.US_ASCII));
            client.shutdownOutput();
            assertEquals("bye", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
        Await.until(WAIT, "closed", () -> server.openConnections() == 0);
    }

    @Test
    void anIdleConnectionClosesOnlyOnceTheClockSaysSo() throws IOException {
        InetSocketAddress address = start(10, SHOUT);
        try (Socket idle = connect(address)) {
            Await.until(WAIT, "served", () -> server.openConnections() == 1);
            clock.advance(Duration.ofSeconds(9));
            idle.getOutputStream().write('a');
            assertEquals("A|", new String(idle.getInputStream().readNBytes(2), StandardCharsets.US_ASCII), "open at 9 s");
            clock.advance(Duration.ofSeconds(9));
            idle.getOutputStream().write('b');
            assertEquals("B|", new String(idle.getInputStream().readNBytes(2), StandardCharsets.US_ASCII),
                    "open 9 s after the last activity");
            // the server stamps a write's completion when its handler runs, which may be after the client
            // read it and the clock moved: so move the clock a second at a time until the sweep closes it
            Await.until(WAIT, "closed by the sweep", () -> {
                clock.advance(Duration.ofSeconds(1));
                return server.openConnections() == 0;
            });
            assertEquals(-1, idle.getInputStream().read());
        }
        assertEquals(1, counters.get(Counters.TCP_IDLE_TIMEOUT));
    }

    @Test
    void atTheLimitTheNextClientWaitsInTheBacklogUntilOneCloses() throws IOException {
        InetSocketAddress address = start(1, SHOUT);
        try (Socket first = connect(address); Socket second = connect(address)) {
            first.getOutputStream().write('a');
            assertEquals('A', first.getInputStream().read());
            second.getOutputStream().write('b');
            second.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> second.getInputStream().read(), "limit + 1 waits");
            first.close();
            second.setSoTimeout((int) WAIT.toMillis());
            assertEquals('B', second.getInputStream().read(), "served once the first closed");
        }
        assertTrue(counters.get(Counters.TCP_LIMIT_REACHED) >= 1);
    }

    @Test
    void stopEndsInputSoEachConnectionSaysItsLastWord() throws IOException {
        InetSocketAddress address = start(10, SHOUT);
        try (Socket client = connect(address)) {
            client.getOutputStream().write('x');
            assertEquals("X|", new String(client.getInputStream().readNBytes(2), StandardCharsets.US_ASCII));
            server.stop(Duration.ofSeconds(5));
            assertEquals("bye", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            assertEquals(0, server.openConnections());
        }
    }

    @Test
    void aHandlerThatThrowsClosesItsConnectionOnly() throws IOException {
        InetSocketAddress address = start(10, (connection, input) -> {
            if (input.get(0) == '!') {
                throw new IllegalStateException("bad input");
            }
            connection.write(input);
        });
        try (Socket bad = connect(address); Socket good = connect(address)) {
            bad.getOutputStream().write('!');
            assertEquals(-1, bad.getInputStream().read(), "closed");
            good.getOutputStream().write('g');
            assertEquals('g', good.getInputStream().read(), "the other connection is still served");
        }
        assertEquals(1, counters.get(Counters.TCP_FAILED));
    }
}
