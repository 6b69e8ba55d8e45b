package dev.netsvc.core.net;

import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.Settings;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The idle sweep of {@link BlockingTcpServer}, on a clock the test moves. */
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
        ServiceContext context = ServiceContext.builder("blocking-test")
                .bind(InetAddress.getLoopbackAddress(), 0)
                .settings(Settings.defaults("blocking-test", List.of()))
                .counters(counters)
                .clock(clock)
                .build();
        server = BlockingTcpServer.start(context, new BlockingTcpServer.Limits(10, Duration.ofSeconds(10)), handler);
        return server.endpoint().address();
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket(address.getAddress(), address.getPort());
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    private static void echo(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            socket.getOutputStream().write(buffer, 0, n);
        }
    }

    @Test
    void aConnectionIsNotIdleFromTheMomentTheServerBeganWaitingForIt() throws Exception {
        long[] seen = new long[1];
        InetSocketAddress address = start(socket -> {
            seen[0] = ((ActivitySocket) socket).lastActivity();
            echo(socket);
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
        assertEquals(0, counters.get("tcp.connections.idle-timeout"));
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
            Await.until(WAIT, "counted", () -> counters.get("tcp.connections.idle-timeout") == 1);
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
            assertEquals(1, counters.get("tcp.connections.idle-timeout"));
            writer.interrupt();
        }
    }
}
