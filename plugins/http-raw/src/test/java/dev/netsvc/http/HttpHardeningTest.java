package dev.netsvc.http;

import dev.netsvc.core.Counters;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed bytes, limits at limit and limit+1, timeouts and slow clients, through real sockets: every
 * bad request gets its status and a closed connection, and never a hang.
 */
@ParameterizedClass(name = "io={0}")
@ValueSource(strings = {"selector", "blocking"})
class HttpHardeningTest {

    @Parameter
    String io;


    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path www;
    /** Every deadline here is on this clock: the tests move it instead of waiting. */
    final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    ServiceHarness http;

    @BeforeEach
    void start() throws IOException {
        Files.writeString(www.resolve("index.html"), "hello");
        http = ServiceHarness.of(new HttpService())
                .clock(clock)
                .set("root", www.toString())
                .set("access-log", "false").set("io", io)
                .set("max-request-line", "256")
                .set("max-header-size", "512")
                .set("max-headers", "8")
                .set("max-body-size", "1k")
                .set("request-timeout", REQUEST_TIMEOUT.toSeconds() + "s")
                .set("idle-timeout", "60s")
                .start();
    }

    /**
     * Moves the clock {@code step} at a time until the server says something to {@code c} (a response,
     * or the end of the connection); returns how far the clock moved. The server notices a moved clock
     * within its sweep's tick (the selector's loops within a second), so the clock may run ahead of it.
     */
    Duration advanceUntilAnswered(RawClient c, Duration step) {
        Duration[] moved = {Duration.ZERO};
        Await.until(WAIT, "an answer as the clock moves", () -> {
            clock.advance(step);
            moved[0] = moved[0].plus(step);
            try {
                return c.answered(50);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return moved[0];
    }

    @AfterEach
    void stop() {
        http.close();
    }

    RawClient client() throws IOException {
        return new RawClient(http.tcp());
    }

    /** Sends {@code request}, expects {@code status} with Connection: close, then the close. */
    void expectRejected(String request, int status) throws IOException {
        try (RawClient c = client()) {
            RawClient.Response r = c.send(request).read();
            assertEquals(status, r.status(), request);
            assertEquals("close", r.header("Connection"));
            assertTrue(r.text().startsWith(status + " "), r.text());
            assertTrue(c.closedByServer(), "closed after " + status);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", value = {
        "GET / HTTP/1.1\\r\\n\\r\\n                                          => 400",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n                  => 400",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 2\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n => 400",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 2x\\r\\n\\r\\n      => 400",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 2\\r\\nContent-Length: 3\\r\\n\\r\\n => 400",
        "POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n  => 501",
        "GET / HTTP/1.1\\r\\nHost : a\\r\\n\\r\\n                              => 400",
        "GET / HTTP/1.1\\r\\nHost: a\\rX: y\\r\\n\\r\\n                         => 400",
        "FETCH / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                             => 501",
        "GET / HTTP/2.0\\r\\nHost: a\\r\\n\\r\\n                               => 505",
        "\\0\\1\\2\\377 garbage\\r\\n\\r\\n                          => 400",
    })
    void malformedRequestsGetTheirStatusAndAClose(String request, int status) throws IOException {
        expectRejected(request.strip().translateEscapes(), status);
    }

    @Test
    void anErrorAnsweringAHeadRequestHasNoBodyEither() throws IOException {
        try (RawClient c = client()) {
            RawClient.Response r = c.send("HEAD / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").read(true);
            assertEquals(400, r.status());
            assertEquals("", c.readToEnd(), "nothing after the head");
        }
    }

    @Test
    void requestLineAtTheLimitPassesAndOneMoreIs414() throws IOException {
        String atLimit = "GET /" + "a".repeat(256 - 14) + " HTTP/1.1";
        assertEquals(256, atLimit.length());
        try (RawClient c = client()) {
            assertEquals(404, c.send(atLimit + "\r\nHost: h\r\n\r\n").read().status());
        }
        expectRejected("GET /" + "a".repeat(256 - 13) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414);
    }

    @Test
    void headersAtTheLimitPassAndOneMoreByteIs431() throws IOException {
        String host = "Host: h\r\n"; // 9 bytes of the 512
        String atLimit = "X: " + "a".repeat(512 - 9 - 5) + "\r\n";
        try (RawClient c = client()) {
            assertEquals(200, c.send("GET / HTTP/1.1\r\n" + host + atLimit + "\r\n").read().status());
        }
        expectRejected("GET / HTTP/1.1\r\n" + host + "X: " + "a".repeat(512 - 9 - 4) + "\r\n\r\n", 431);
        try (RawClient c = client()) {
            assertEquals(200, c.send("GET / HTTP/1.1\r\n" + host + "A: 1\r\n".repeat(7) + "\r\n").read().status());
        }
        expectRejected("GET / HTTP/1.1\r\n" + host + "A: 1\r\n".repeat(8) + "\r\n", 431);
    }

    @Test
    void bodyAtTheLimitIsConsumedAndOneMoreIs413() throws IOException {
        try (RawClient c = client()) {
            RawClient.Response r = c.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1024\r\n\r\n" + "b".repeat(1024)).read();
            assertEquals(405, r.status());
            assertEquals(200, c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
        }
        expectRejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1025\r\n\r\n", 413);
        expectRejected("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + "b".repeat(1024)
                + "\r\n1\r\n", 413);
    }

    @Test
    void theResponseSurvivesAClientStillSendingItsBody() throws IOException {
        // the 413 goes out while the client keeps sending: a plain close would reset it away
        try (RawClient c = client()) {
            c.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n");
            c.send("x".repeat(60_000));
            assertEquals(413, c.read().status());
        }
    }

    @Test
    void incompleteHeadersTimeOutWith408ThenClose() throws IOException {
        try (RawClient c = client()) {
            c.send("GET / HTTP/1.1\r\nHost: h\r\n");
            // the deadline runs from when the server read the first byte, before or after this move
            clock.advance(REQUEST_TIMEOUT.minusSeconds(1));
            assertFalse(c.answered(300), "no answer a second before the request timeout");
            Duration moved = REQUEST_TIMEOUT.minusSeconds(1).plus(advanceUntilAnswered(c, Duration.ofSeconds(1)));
            assertTrue(moved.compareTo(REQUEST_TIMEOUT) >= 0, "not before the request timeout: " + moved);
            RawClient.Response r = c.read();
            assertEquals(408, r.status());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aRequestDribbledInByteByByteStillTimesOut() throws Exception {
        // each byte comes well within the idle timeout; the request as a whole must still be in time
        try (RawClient c = client()) {
            Thread dribbler = Thread.ofVirtual().start(() -> {
                try {
                    for (char ch : "GET / HTTP/1.1\r\nX: ".concat("y".repeat(500)).toCharArray()) {
                        c.send(String.valueOf(ch));
                        Thread.sleep(20); // the client's pace, not synchronisation
                    }
                } catch (IOException | InterruptedException e) {
                    // the server closed on us (or the test is over): that is the point
                }
            });
            // a second of the clock at a time: each byte is activity, but the request's deadline holds
            advanceUntilAnswered(c, Duration.ofSeconds(1));
            assertEquals(408, c.read().status());
            dribbler.interrupt();
            dribbler.join();
        }
    }

    @Test
    void anIdleConnectionIsClosedSilently() throws IOException {
        try (RawClient c = client()) {
            assertEquals(200, c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
            assertFalse(c.answered(300), "open while the clock stands still");
            Duration moved = advanceUntilAnswered(c, Duration.ofSeconds(10));
            assertTrue(moved.compareTo(Duration.ofSeconds(60)) >= 0, "not before the idle timeout: " + moved);
            assertEquals("", c.readToEnd(), "no 408 for a connection that started nothing");
        }
    }

    @Test
    void hundredsOfSlowClientsDoNotDelayANormalRequest() throws Exception {
        // slow clients whose requests may take 30s: a normal request must not wait behind any of them
        try (ServiceHarness patient = ServiceHarness.of(new HttpService()).set("root", www.toString())
                .set("access-log", "false").set("io", io).set("request-timeout", "30s").start()) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 300; i++) {
                    Socket s = new Socket(patient.host(), patient.tcpPort());
                    s.getOutputStream().write("GET / HTTP/1.1\r\nHo".getBytes());
                    slow.add(s);
                }
                for (int round = 0; round < 5; round++) {
                    long t0 = System.nanoTime();
                    try (RawClient c = new RawClient(patient.tcp())) {
                        assertEquals(200, c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
                    }
                    long millis = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(millis < 5000, "answered while 300 requests dribble in: " + millis + " ms");
                    for (Socket s : slow) {
                        s.getOutputStream().write('s'); // one more byte each: still incomplete
                    }
                }
                for (Socket s : slow) {
                    s.setSoTimeout(1);
                    assertThrows(java.net.SocketTimeoutException.class, () -> s.getInputStream().read(),
                            "the slow clients are still being waited for, not dropped");
                }
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aClientThatStopsReadingIsCutOffAfterTheIdleTimeout() throws Exception {
        byte[] big = new byte[1 << 20];
        Files.write(www.resolve("big.bin"), big);
        try (ServiceHarness strict = ServiceHarness.of(new HttpService()).clock(clock).set("root", www.toString())
                .set("access-log", "false").set("io", io).set("idle-timeout", "10s").start()) {
            int requests = 64; // 64 MiB of responses: far more than socket buffers hold
            try (RawClient greedy = new RawClient(strict.tcp())) {
                greedy.socket().setReceiveBufferSize(16 * 1024);
                greedy.send("GET /big.bin HTTP/1.1\r\nHost: h\r\n\r\n".repeat(requests));
                // meanwhile, others are served
                try (RawClient other = new RawClient(strict.tcp())) {
                    assertEquals(200, other.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
                }
                // the clock moves on; once the server's socket is full, nothing moves for the idle timeout
                Await.until(WAIT, "the stalled connection to be closed", () -> {
                    clock.advance(Duration.ofSeconds(2));
                    return strict.counters().get(Counters.TCP_IDLE_TIMEOUT) > 0 || greedyWasCut(greedy);
                });
                greedy.socket().setSoTimeout(10_000);
                long received = 0;
                try {
                    received = greedy.socket().getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException reset) {
                    // cut off: that is the point
                }
                assertTrue(received < (long) requests * big.length, "the server stopped sending: " + received);
            }
        }
    }

    /** Whether the server closed {@code c}'s connection: a write fails, eventually, once it has. */
    private static boolean greedyWasCut(RawClient c) {
        try {
            c.send("\r\n");
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void connectionsBeyondTheLimitWaitForAFreeSlot() throws Exception {
        try (ServiceHarness one = ServiceHarness.of(new HttpService()).set("root", www.toString())
                .set("access-log", "false").set("io", io).set("max-connections", "1").start()) {
            RawClient first = new RawClient(one.tcp());
            assertEquals(200, first.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
            try (RawClient second = new RawClient(one.tcp())) { // connects: the kernel's backlog holds it
                second.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
                second.socket().setSoTimeout(300);
                assertThrows(java.net.SocketTimeoutException.class, () -> second.socket().getInputStream().read(),
                        "not served while the only slot is taken");
                first.close();
                second.socket().setSoTimeout(5000);
                assertEquals(200, second.read().status());
            }
        }
    }

    @Test
    void aClientThatVanishesMidRequestHarmsNobody() throws IOException {
        try (Socket s = new Socket(http.host(), http.tcpPort())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: h\r\nX-Long: aaaa".getBytes());
            s.setSoLinger(true, 0); // close with a reset
        }
        try (RawClient c = client()) {
            assertEquals(200, c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
        }
        assertFalse(http.counters().get(Counters.TCP_FAILED) > 0, "a reset is a normal disconnect");
    }
}
