package dev.netsvc.http;

import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The http service on a loopback port, driven with raw sockets: what it serves and how. */
@ParameterizedClass(name = "io={0}")
@ValueSource(strings = {"selector", "blocking"})
class HttpServiceTest {

    @Parameter
    String io;


    static final String INDEX = "<!doctype html><title>netsvc</title><p>hello</p>\n";

    @TempDir
    Path tmp;
    Path www;
    ServiceHarness http;

    @BeforeEach
    void start() throws IOException {
        www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("index.html"), INDEX);
        Files.createDirectories(www.resolve("docs"));
        Files.writeString(www.resolve("docs/index.html"), "docs");
        Files.writeString(www.resolve("docs/notes.txt"), "notes");
        Files.createDirectories(www.resolve("empty"));
        http = ServiceHarness.of(new HttpService()).set("root", www.toString()).set("access-log", "false").set("io", io).start();
    }

    @AfterEach
    void stop() {
        http.close();
    }

    RawClient client() throws IOException {
        return new RawClient(http.tcp());
    }

    static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    @Test
    void getServesTheFileWithItsHeaders() throws IOException {
        try (RawClient c = client()) {
            RawClient.Response r = c.send(get("/index.html")).read();
            assertEquals("HTTP/1.1 200 OK", r.statusLine());
            assertEquals(INDEX, r.text());
            assertEquals("text/html; charset=utf-8", r.header("Content-Type"));
            assertEquals(String.valueOf(INDEX.length()), r.header("Content-Length"));
            assertNotNull(r.header("Date"));
            assertTrue(r.header("ETag").matches("\"[0-9a-f]+-[0-9a-f]+\""), r.header("ETag"));
            assertEquals(HttpDates.format(Files.getLastModifiedTime(www.resolve("index.html")).toMillis()), r.header("Last-Modified"));
            assertEquals("netsvc", r.header("Server"));
            assertEquals("text/plain; charset=utf-8", c.send(get("/docs/notes.txt")).read().header("Content-Type"));
        }
    }

    @Test
    void headHasTheSameHeadersAndNoBody() throws IOException {
        try (RawClient c = client()) {
            RawClient.Response get = c.send(get("/index.html")).read();
            RawClient.Response head = c.send("HEAD /index.html HTTP/1.1\r\nHost: h\r\n\r\n").read(true);
            assertEquals(200, head.status());
            assertEquals(get.header("Content-Length"), head.header("Content-Length"));
            assertEquals(get.header("ETag"), head.header("ETag"));
            assertEquals(get.header("Content-Type"), head.header("Content-Type"));
            // had the HEAD response carried a body, this would read it as a status line
            assertEquals(INDEX, c.send(get("/")).read().text());
        }
    }

    @Test
    void directoryServesItsIndexAndIsRedirectedToItsSlashFirst() throws IOException {
        try (RawClient c = client()) {
            RawClient.Response redirect = c.send(get("/docs?x=1")).read();
            assertEquals(301, redirect.status());
            assertEquals("/docs/?x=1", redirect.header("Location"));
            assertEquals("docs", c.send(get("/docs/")).read().text());
            assertEquals(404, c.send(get("/empty/")).read().status(), "no index.html, no listing");
            assertEquals(404, c.send(get("/docs/notes.txt/")).read().status());
        }
    }

    @Test
    void missingIs404AndOtherMethods405WithAllow() throws IOException {
        try (RawClient c = client()) {
            assertEquals(404, c.send(get("/nope.html")).read().status());
            RawClient.Response post = c.send("POST /index.html HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello").read();
            assertEquals(405, post.status());
            assertEquals("GET, HEAD", post.header("Allow"));
            RawClient.Response chunked = c.send("PUT /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n").read();
            assertEquals(405, chunked.status());
            assertEquals(200, c.send(get("/")).read().status(), "the bodies were consumed: the connection still parses");
        }
    }

    @Test
    void conditionalGetAnswers304() throws IOException {
        Path file = www.resolve("index.html");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2024-05-01T10:00:00Z")));
        try (RawClient c = client()) {
            String etag = c.send(get("/index.html")).read().header("ETag");
            RawClient.Response notModified = c.send("GET /index.html HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"zz\", " + etag + "\r\n\r\n").read();
            assertEquals(304, notModified.status());
            assertEquals(etag, notModified.header("ETag"));
            assertNull(notModified.header("Content-Length"));
            assertEquals(200, c.send("GET /index.html HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"other\"\r\n\r\n").read().status());
            assertEquals(304, c.send("GET / HTTP/1.1\r\nHost: h\r\nIf-Modified-Since: Wed, 01 May 2024 10:00:00 GMT\r\n\r\n").read().status());
            assertEquals(200, c.send("GET / HTTP/1.1\r\nHost: h\r\nIf-Modified-Since: Wed, 01 May 2024 09:59:59 GMT\r\n\r\n").read().status());
            assertEquals(200, c.send("GET / HTTP/1.1\r\nHost: h\r\nIf-Modified-Since: yesterday\r\n\r\n").read().status());
            assertEquals(304, c.send("HEAD / HTTP/1.1\r\nHost: h\r\nIf-None-Match: *\r\n\r\n").read(true).status());
        }
    }

    @Test
    void connectionsPersistUntilCloseIsAsked() throws IOException {
        try (RawClient c = client()) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, c.send(get("/")).read().status());
            }
            RawClient.Response last = c.send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").read();
            assertEquals("close", last.header("Connection"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void http10ClosesUnlessKeepAliveIsAsked() throws IOException {
        try (RawClient c = client()) {
            RawClient.Response r = c.send("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").read();
            assertEquals("keep-alive", r.header("Connection"));
            assertEquals(INDEX, c.send("GET / HTTP/1.0\r\n\r\n").read().text());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        try (RawClient c = client()) {
            c.send(get("/docs/") + "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n" + get("/missing") + get("/docs/notes.txt"));
            assertEquals("docs", c.read().text());
            assertEquals(200, c.read(true).status());
            assertEquals(404, c.read().status());
            assertEquals("notes", c.read().text());
        }
    }

    @Test
    void manyPipelinedRequestsWithoutReadingStayBounded() throws IOException {
        int count = 2000; // ~ 200 KB of responses, more than the outbox gathers before writing
        try (RawClient c = client()) {
            c.send(get("/index.html").repeat(count));
            for (int i = 0; i < count; i++) {
                assertEquals(INDEX, c.read().text());
            }
        }
    }

    @Test
    void largeFilesAreSentFromDiskIntact() throws IOException {
        byte[] big = new byte[600_000];
        new Random(1).nextBytes(big);
        Files.write(www.resolve("big.bin"), big);
        try (RawClient c = client()) {
            RawClient.Response r = c.send(get("/big.bin")).read();
            assertEquals("application/octet-stream", r.header("Content-Type"));
            assertArrayEquals(big, r.body());
            assertEquals(200, c.send(get("/")).read().status());
        }
    }

    @Test
    void changesOnDiskAreSeenWithinASecond() throws IOException {
        try (RawClient c = client()) {
            assertEquals("notes", c.send(get("/docs/notes.txt")).read().text());
            Files.writeString(www.resolve("docs/notes.txt"), "changed notes");
            dev.netsvc.testkit.Await.until(java.time.Duration.ofSeconds(3), "the new content",
                    () -> uncheck(() -> c.send(get("/docs/notes.txt")).read().text()).equals("changed notes"));
        }
    }

    // ---- staying inside the root ----------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"/../secret.txt", "/%2e%2e/secret.txt", "/docs/..%2fsecret.txt", "/..%5csecret.txt",
        "/docs%2f..%2f..%2fsecret.txt", "/secret.txt%00.html", "/docs/./../../secret.txt", "http://h/../secret.txt"})
    void traversalAttemptsAre400(String target) throws IOException {
        Files.writeString(tmp.resolve("secret.txt"), "secret");
        try (RawClient c = client()) {
            RawClient.Response r = c.send("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertEquals(400, r.status(), target);
            assertFalse(r.text().contains("secret\n"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void symlinksOutOfTheRootAreNotFoundAndInsideAreFine() throws IOException {
        Files.writeString(tmp.resolve("secret.txt"), "secret");
        Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(tmp.resolve("outside/index.html"), "outside");
        Files.createSymbolicLink(www.resolve("leak.txt"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(www.resolve("leakdir"), tmp.resolve("outside"));
        Files.createSymbolicLink(www.resolve("alias.txt"), www.resolve("docs/notes.txt"));
        Files.createSymbolicLink(www.resolve("docs/index.link"), Path.of("../index.html"));
        try (RawClient c = client()) {
            assertEquals(404, c.send(get("/leak.txt")).read().status());
            assertEquals(404, c.send(get("/leakdir/")).read().status());
            assertEquals(404, c.send(get("/leakdir")).read().status());
            assertEquals(404, c.send(get("/leakdir/index.html")).read().status());
            assertEquals("notes", c.send(get("/alias.txt")).read().text());
            assertEquals(INDEX, c.send(get("/docs/index.link")).read().text());
        }
    }

    @Test
    void nonRegularFilesAreNotServed() throws Exception {
        Path fifo = www.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo available");
        try (RawClient c = client()) {
            assertEquals(404, c.send(get("/fifo")).read().status());
        }
    }

    static <T> T uncheck(java.util.concurrent.Callable<T> call) {
        try {
            return call.call();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
