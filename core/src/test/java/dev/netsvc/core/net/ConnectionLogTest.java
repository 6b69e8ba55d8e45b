package dev.netsvc.core.net;

import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.Counters;
import dev.netsvc.core.RecordingLogger;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.Settings;
import dev.netsvc.core.access.AccessKeys;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code <id>.connection-log}: a line per connection as its ticket is released, refusals, the rate. */
class ConnectionLogTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final RecordingLogger log = new RecordingLogger();
    private final ServiceCounters counters = new ServiceCounters();
    private BlockingTcpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    private BlockingTcpServer start(Map<String, String> settings, BlockingTcpServer.Handler handler) throws IOException {
        ServiceContext context = ServiceContext.builder("logged")
                .bind(InetAddress.getLoopbackAddress(), 0)
                .settings(HostAccess.parseSettings("logged", AccessKeys.KEYS, settings))
                .counters(counters).clock(clock).log(log)
                .build();
        server = BlockingTcpServer.start(context, new BlockingTcpServer.Limits(10, Duration.ofSeconds(10)), handler);
        return server;
    }

    private List<String> lines(String containing) {
        return log.lines().stream().map(RecordingLogger.Line::text).filter(t -> t.contains(containing)).toList();
    }

    @Test
    void allLogsEveryConnectionWithItsSourceDurationBytesAndDetail() throws IOException {
        start(Map.of("connection-log", "all"), c -> {
            ByteBuffer b = ByteBuffer.allocate(64);
            c.read(b);
            clock.advance(Duration.ofMillis(1234));
            c.write(b.flip());
            c.logDetail("pid 4711, exit 0");
        });
        try (Socket s = new Socket(server.endpoint().address().getAddress(), server.endpoint().address().getPort())) {
            s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            assertEquals(5, s.getInputStream().readNBytes(5).length);
            String expected = "connection from 127.0.0.1:" + s.getLocalPort()
                    + " ended after 1.234 s: 5 bytes in, 5 bytes out; pid 4711, exit 0";
            Await.until(WAIT, () -> "the line '" + expected + "' in " + log.lines(), () -> lines(expected).size() == 1);
        }
    }

    @Test
    void failureLogsOnlyFailedConnectionsAndRefusalsOffLogsNeither() throws IOException {
        start(Map.of(), c -> {
            byte[] first = new byte[4];
            c.input().readNBytes(first, 0, 4);
            if (new String(first, StandardCharsets.US_ASCII).equals("fail")) {
                throw new IOException("the handler gave up");
            }
        });
        int port = server.endpoint().address().getPort();
        try (Socket ok = new Socket(InetAddress.getLoopbackAddress(), port);
             Socket bad = new Socket(InetAddress.getLoopbackAddress(), port)) {
            ok.getOutputStream().write("fine".getBytes(StandardCharsets.US_ASCII));
            bad.getOutputStream().write("fail".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, ok.getInputStream().read());
            assertEquals(-1, bad.getInputStream().read());
            Await.until(WAIT, () -> "the failure's line in " + log.lines(), () -> lines("failed after").size() == 1);
            String line = lines("failed after").get(0);
            assertTrue(line.startsWith("connection from 127.0.0.1:" + bad.getLocalPort() + " failed after 0.000 s: 4 bytes in,"
                    + " 0 bytes out; java.io.IOException: the handler gave up"), line);
            assertEquals(List.of(), lines("ended after"), "the connection that went well is not logged");
        }
    }

    @Test
    void offLogsNoConnectionAndNoRefusalButCountsThem() throws IOException {
        start(Map.of("connection-log", "off", "only-from", "127.0.0.2"), c -> { });
        try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), server.endpoint().address().getPort())) {
            assertEquals(-1, EchoProbe.readOrReset(refused));
        }
        Await.until(WAIT, "the refusal counted", () -> counters.get(Counters.TCP_REFUSED.member("acl")) == 1);
        assertEquals(List.of(), lines("refused"));
    }

    @Test
    void aRefusalIsLoggedWithItsReasonUnlessOff() throws IOException {
        start(Map.of("only-from", "127.0.0.2"), c -> { });
        try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), server.endpoint().address().getPort())) {
            assertEquals(-1, EchoProbe.readOrReset(refused));
        }
        Await.until(WAIT, () -> "a refusal line in " + log.lines(), () -> lines("refused connections from 127.0.0.1 (acl)").size() == 1);
    }

    @Test
    void atMostAHundredLinesASecondAndTheRestIsSaidOnceAMinute() {
        LongAdder dropped = new LongAdder();
        ConnectionLog connections = new ConnectionLog(ConnectionLog.Mode.ALL, log, clock, "test-log", dropped);
        for (int i = 0; i < 150; i++) {
            connections.ended("192.0.2.1:" + (1000 + i), 5, 1, 1, null, null);
        }
        Await.until(WAIT, "100 lines written", () -> lines("ended after").size() == 100);
        assertEquals(50, dropped.sum());
        clock.advance(Duration.ofSeconds(61));
        connections.ended("192.0.2.1:9999", 5, 1, 1, null, null);
        Await.until(WAIT, () -> "the summary in " + log.lines(), () ->
                lines("50 connection log lines dropped in the last minute").size() == 1 && lines("192.0.2.1:9999").size() == 1);
    }

    /** Reads one byte, taking a reset for the end. */
    static final class EchoProbe {
        static int readOrReset(Socket s) throws IOException {
            try {
                return s.getInputStream().read();
            } catch (java.net.SocketException e) {
                return -1;
            }
        }
    }
}
