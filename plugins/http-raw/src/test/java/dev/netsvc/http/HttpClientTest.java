package dev.netsvc.http;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.UsageException;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code netsvc call http} against the http service and against a scripted server. */
class HttpClientTest {

    @TempDir
    Path tmp;
    ServiceHarness http;
    String base;

    @BeforeEach
    void start() throws IOException {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("index.html"), "<p>hello</p>\n");
        http = ServiceHarness.of(new HttpService()).set("root", www.toString()).set("access-log", "false").start();
        base = "http://127.0.0.1:" + http.tcpPort();
    }

    @AfterEach
    void stop() {
        http.close();
    }

    /** What one client run printed and returned. */
    record Run(int exit, String out, String err) {
    }

    static Run call(Map<String, List<String>> options, String... args) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ClientInvocation invocation = new ClientInvocation(List.of(args), options, Duration.ofSeconds(5),
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true), Clock.systemUTC());
        int exit = new HttpClient().run(invocation);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run call(String... args) throws IOException {
        return call(Map.of(), args);
    }

    @Test
    void getPrintsTheBodyToStdoutAndTheHeadersToStderr() throws IOException {
        Run r = call(base + "/");
        assertEquals(0, r.exit());
        assertEquals("<p>hello</p>\n", r.out());
        assertTrue(r.err().startsWith("HTTP/1.1 200 OK\r\n"), r.err());
        assertTrue(r.err().contains("Content-Length: 13\r\n"), r.err());
    }

    @Test
    void headPrintsTheHeadersToStdoutLikeCurlI() throws IOException {
        Run r = call(Map.of("head", List.of()), base + "/index.html");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("HTTP/1.1 200 OK\r\n") && r.out().endsWith("\r\n\r\n"), r.out());
        assertTrue(r.out().contains("ETag: \""), r.out());
    }

    @Test
    void outputGoesToAFile() throws IOException {
        Path file = tmp.resolve("got.html");
        Run r = call(Map.of("output", List.of(file.toString())), base + "/");
        assertEquals(0, r.exit());
        assertEquals("", r.out());
        assertEquals("<p>hello</p>\n", Files.readString(file));
        try (var left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.toString().endsWith(".part")), "no temporary file left");
        }
    }

    @Test
    void anUnwritableOutputFileIsReportedAsSuchBeforeAnythingIsSent() {
        Path nowhere = tmp.resolve("no/such/dir/file.html");
        ClientException e = assertThrows(ClientException.class, () -> call(Map.of("output", List.of(nowhere.toString())), base + "/"));
        assertEquals("cannot write " + nowhere + ": the folder " + nowhere.getParent() + " does not exist", e.getMessage());
        assertEquals(0, http.counters().get("http.requests"), "nothing was sent");

        ClientException dir = assertThrows(ClientException.class, () -> call(Map.of("output", List.of(tmp.toString())), base + "/"));
        assertEquals("cannot write " + tmp + ": it is a directory", dir.getMessage());
    }

    @Test
    void theOutputFileHasTheDefaultPermissionsNotOwnerOnly() throws IOException {
        Path file = tmp.resolve("got.html");
        assertEquals(0, call(Map.of("output", List.of(file.toString())), base + "/").exit());
        // what this process's umask gives a new file (0644 under the usual 022), as curl -o and '>' do
        Path reference = Files.writeString(tmp.resolve("reference"), "x");
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(file));
        assertTrue(Files.getPosixFilePermissions(file).size() > 2, "more than owner read and write");
    }

    @Test
    void endlessInterimResponsesAreNotAnAnswer() throws Exception {
        try (ScriptedServer server = new ScriptedServer("HTTP/1.1 100 Continue\r\n\r\n".repeat(HttpClient.MAX_INTERIM + 1)
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", null)) {
            ClientException e = assertThrows(ClientException.class, () -> call("http://127.0.0.1:" + server.port() + "/"));
            assertEquals("the server at 127.0.0.1:" + server.port() + " sent 10 interim (1xx) responses and no final one",
                    e.getMessage());
        }
        try (ScriptedServer server = new ScriptedServer("HTTP/1.1 102 Processing\r\n\r\n", null)) {
            ClientException e = assertThrows(ClientException.class, () -> call("http://127.0.0.1:" + server.port() + "/"));
            assertTrue(e.getMessage().contains("closed before the reply was complete"), e.getMessage());
        }
    }

    @Test
    void aServerThatNeverAnswersIsNotCalledDown() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            ClientInvocation invocation = new ClientInvocation(List.of("http://127.0.0.1:" + silent.getLocalPort() + "/"),
                    Map.of(), Duration.ofMillis(200), new ByteArrayInputStream(new byte[0]), new PrintStream(sink),
                    new PrintStream(sink), Clock.systemUTC());
            ClientException e = assertThrows(ClientException.class, () -> new HttpClient().run(invocation));
            assertTrue(e.getMessage().startsWith("connected to 127.0.0.1:" + silent.getLocalPort()
                    + ", but it sent nothing within the timeout"), e.getMessage());
        }
    }

    @Test
    void aFailedTransferLeavesNoFileBehind() throws Exception {
        Path file = tmp.resolve("cut.html");
        try (ScriptedServer cut = new ScriptedServer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhal", null)) {
            assertThrows(ClientException.class, () -> call(Map.of("output", List.of(file.toString())), "http://127.0.0.1:" + cut.port() + "/"));
        }
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(tmp.resolve("www")), left.toList(), "neither FILE nor its temporary file");
        }
    }

    @Test
    void headWithOutputWritesTheHeadersToTheFile() throws IOException {
        Path file = tmp.resolve("head.txt");
        Run r = call(Map.of("head", List.of(), "output", List.of(file.toString())), base + "/");
        assertEquals(0, r.exit());
        assertEquals("", r.out());
        String headers = Files.readString(file);
        assertTrue(headers.startsWith("HTTP/1.1 200 OK\r\n") && headers.endsWith("\r\n\r\n"), headers);
    }

    @Test
    void notFoundShowsTheResponseAndExitsOne() throws IOException {
        Run r = call(base + "/missing");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("HTTP/1.1 404 Not Found"), r.err());
        assertTrue(r.err().contains("the server answered 404 Not Found"), r.err());
    }

    @Test
    void headersAreAddedReplacedAndRemoved() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        try (ScriptedServer server = new ScriptedServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", seen)) {
            Run r = call(Map.of("header", List.of("X-Test: 1", "user-agent: probe/2", "Accept:")),
                    "http://127.0.0.1:" + server.port() + "/a%20b?q");
            assertEquals(0, r.exit());
            String request = seen.get();
            assertTrue(request.startsWith("GET /a%20b?q HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n"), request);
            assertTrue(request.contains("X-Test: 1\r\n") && request.contains("user-agent: probe/2\r\n"), request);
            assertFalse(request.contains("User-Agent: netsvc") || request.contains("Accept:"), request);
            assertTrue(request.contains("Connection: close\r\n") && request.endsWith("\r\n\r\n"), request);
        }
    }

    @Test
    void badHeaderOptionIsAUsageError() {
        assertThrows(UsageException.class, () -> call(Map.of("header", List.of("No colon")), base));
        assertThrows(UsageException.class, () -> call(Map.of("header", List.of("Bad Name: x")), base));
        assertThrows(UsageException.class, () -> call(Map.of("header", List.of("X: a\r\nInjected: b")), base));
    }

    @Test
    void chunkedAndCloseDelimitedBodiesAndInterimResponses() throws Exception {
        try (ScriptedServer chunked = new ScriptedServer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", null)) {
            assertEquals("abcde", call("http://127.0.0.1:" + chunked.port() + "/").out());
        }
        try (ScriptedServer close = new ScriptedServer("HTTP/1.0 200 OK\r\n\r\nuntil the end", null)) {
            assertEquals("until the end", call("http://127.0.0.1:" + close.port() + "/").out());
        }
    }

    @Test
    void headNeverReadsABodyWhateverTheHeadersSay() throws Exception {
        // a server that announces a body for HEAD and then sends garbage: the client must not wait for it
        try (ScriptedServer server = new ScriptedServer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", null)) {
            Run r = call(Map.of("head", List.of()), "http://127.0.0.1:" + server.port() + "/");
            assertEquals(0, r.exit());
            assertTrue(r.out().contains("Content-Length: 100"), r.out());
        }
    }

    @Test
    void failuresReadInPlainWords() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        ClientException refused = assertThrows(ClientException.class, () -> call("http://127.0.0.1:" + port + "/"));
        assertTrue(refused.getMessage().contains("connection refused by 127.0.0.1:" + port), refused.getMessage());

        try (ScriptedServer garbage = new ScriptedServer("SSH-2.0-OpenSSH\r\n", null)) {
            ClientException e = assertThrows(ClientException.class, () -> call("http://127.0.0.1:" + garbage.port() + "/"));
            assertTrue(e.getMessage().startsWith("malformed response from 127.0.0.1:" + garbage.port()), e.getMessage());
        }
        try (ScriptedServer cut = new ScriptedServer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhal", null)) {
            ClientException e = assertThrows(ClientException.class, () -> call("http://127.0.0.1:" + cut.port() + "/"));
            assertTrue(e.getMessage().contains("closed before the reply was complete"), e.getMessage());
        }
    }

    @Test
    void aBinaryBodyArrivesIntact() throws Exception {
        byte[] big = new byte[300_000];
        new java.util.Random(3).nextBytes(big);
        Files.write(tmp.resolve("www/big.bin"), big);
        Path file = tmp.resolve("big.out");
        assertEquals(0, call(Map.of("output", List.of(file.toString())), base + "/big.bin").exit());
        assertArrayEquals(big, Files.readAllBytes(file));
    }

    /** A one-connection server that reads the request head, answers with fixed bytes and closes. */
    static final class ScriptedServer implements AutoCloseable {
        private final ServerSocket server;
        private final Thread thread;

        ScriptedServer(String response, AtomicReference<String> request) throws IOException {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            thread = Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    String head = readHead(s.getInputStream());
                    if (request != null) {
                        request.set(head);
                    }
                    s.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException ignored) {
                    // the test sees what the client made of it
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                head.append((char) b);
                if (head.toString().endsWith("\r\n\r\n")) {
                    break;
                }
            }
            return head.toString();
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(Duration.ofSeconds(5));
        }
    }
}
