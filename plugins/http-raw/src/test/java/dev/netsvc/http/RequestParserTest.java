package dev.netsvc.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every rule of the request parser, on bytes, without sockets. */
class RequestParserTest {

    static final RequestParser.Limits LIMITS = new RequestParser.Limits(100, 200, 10, 1000);

    // ---- helpers ------------------------------------------------------------------------------

    /** Parses every complete request in {@code text}, fed at once. */
    static List<Request> parseAll(String text) throws HttpException {
        return parseAll(new RequestParser(LIMITS), bytes(text));
    }

    static List<Request> parseAll(RequestParser parser, byte[] input) throws HttpException {
        ByteBuffer in = ByteBuffer.wrap(input);
        List<Request> out = new ArrayList<>();
        Request r;
        while ((r = parser.parse(in)) != null) {
            out.add(r);
        }
        return out;
    }

    static Request one(String text) throws HttpException {
        List<Request> all = parseAll(text);
        assertEquals(1, all.size(), "one request in " + text);
        return all.get(0);
    }

    static Status statusOf(String text) {
        return assertThrows(HttpException.class, () -> parseAll(text), text).status();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String get(String target, String... headers) {
        return "GET " + target + " HTTP/1.1\r\nHost: h\r\n" + String.join("", headers) + "\r\n";
    }

    // ---- requests that parse ------------------------------------------------------------------

    @Test
    void simpleGet() throws HttpException {
        Request r = one("GET /index.html?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t\r\n\r\n");
        assertEquals(Method.GET, r.method());
        assertEquals(Version.HTTP_1_1, r.version());
        assertEquals("GET /index.html?x=1 HTTP/1.1", r.line());
        assertEquals("/index.html", r.target().path());
        assertEquals("x=1", r.target().rawQuery());
        assertTrue(r.keepAlive(), "HTTP/1.1 is persistent by default");
    }

    @Test
    void persistenceFollowsVersionAndConnectionHeader() throws HttpException {
        assertFalse(one("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").keepAlive());
        assertFalse(one("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, CLOSE\r\n\r\n").keepAlive());
        assertFalse(one("GET / HTTP/1.0\r\n\r\n").keepAlive(), "HTTP/1.0 closes by default");
        assertTrue(one("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive(), "ab -k");
        assertTrue(one("GET / HTTP/1.2\r\nHost: h\r\n\r\n").keepAlive(), "HTTP/1.2 is treated as 1.1");
        assertEquals(Version.HTTP_1_1, one("GET / HTTP/1.9\r\nHost: h\r\n\r\n").version());
    }

    @Test
    void headMethodAndConditionalFields() throws HttpException {
        Request r = one("HEAD /a HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"x\"\r\nif-none-match: \"y\"\r\n"
                + "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n");
        assertEquals(Method.HEAD, r.method());
        assertEquals("\"x\", \"y\"", r.ifNoneMatch());
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", r.ifModifiedSince());
    }

    @Test
    void otherKnownMethodsParseWithoutTargetDecoding() throws HttpException {
        assertEquals(Method.OPTIONS, one("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").method());
        Request post = one("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");
        assertEquals(Method.POST, post.method());
        assertNull(post.target());
    }

    @Test
    void http10WithoutHostIsFine() throws HttpException {
        assertEquals(Version.HTTP_1_0, one("GET / HTTP/1.0\r\n\r\n").version());
    }

    @Test
    void fieldValuesAreTrimmedAndObsTextAllowed() throws HttpException {
        assertEquals("\"é\"", one(get("/", "If-None-Match: \t \"\u00e9\" \t\r\n")).ifNoneMatch());
    }

    @Test
    void pipelinedRequestsComeOutInOrder() throws HttpException {
        List<Request> all = parseAll(get("/1") + get("/2") + "HEAD /3 HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(List.of("/1", "/2", "/3"), all.stream().map(r -> r.target().path()).toList());
    }

    @Test
    void emptyLinesBeforeTheRequestLineAreSkippedUpToALimit() throws HttpException {
        assertEquals("/", one("\r\n\r\n" + get("/")).target().path());
        assertEquals(Status.BAD_REQUEST, statusOf("\r\n".repeat(5) + get("/")));
    }

    // ---- bodies -------------------------------------------------------------------------------

    @Test
    void contentLengthBodyIsConsumedSoTheNextRequestParses() throws HttpException {
        List<Request> all = parseAll("GET /a HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nGET /x HTTP" + get("/b"));
        assertEquals(List.of("/a", "/b"), all.stream().map(r -> r.target().path()).toList());
    }

    @Test
    void identicalRepeatedContentLengthIsAccepted() throws HttpException {
        assertEquals(2, parseAll("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3, 3\r\n\r\nabc"
                + get("/")).size());
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailersIsConsumed() throws HttpException {
        String chunked = "POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n"
                + "A \r\n0123456789\r\n"
                + "0\r\nX-Trailer: yes\r\n\r\n";
        List<Request> all = parseAll(chunked + get("/b"));
        assertEquals(2, all.size());
        assertEquals("/b", all.get(1).target().path());
    }

    @Test
    void transferEncodingListEndingInChunkedOverSeveralLines() throws HttpException {
        assertEquals(2, parseAll("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ,\r\nTransfer-Encoding: Chunked\r\n\r\n"
                + "0\r\n\r\n" + get("/")).size());
    }

    @Test
    void bodyAtTheLimitIsAcceptedAndOneMoreIs413() throws HttpException {
        assertEquals(1, parseAll("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n" + "x".repeat(1000)).size());
        assertEquals(Status.CONTENT_TOO_LARGE, statusOf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1001\r\n\r\n"));
        String chunk = Integer.toHexString(500) + "\r\n" + "x".repeat(500) + "\r\n";
        String head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
        assertEquals(1, parseAll(head + chunk + chunk + "0\r\n\r\n").size());
        assertEquals(Status.CONTENT_TOO_LARGE, statusOf(head + chunk + chunk + "1\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x\r\n", "\r\n", "5 5\r\n", "1234567890abcdef\r\n", "5\r\nhelloXY", "5;\u0001\r\n"})
    void malformedChunksAre400(String chunks) {
        assertEquals(Status.BAD_REQUEST,
                statusOf("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks));
    }

    @Test
    void trailerSectionIsLimited() {
        assertEquals(Status.HEADERS_TOO_LARGE, statusOf("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\nX: " + "a".repeat(300) + "\r\n\r\n"));
    }

    // ---- framing errors (400 and close) -------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
        "GET / HTTP/1.1\r\n\r\n",                                                      // missing Host
        "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n",                                // repeated Host
        "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n",                                // repeated, 1.0 too
        "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",                                         // invalid Host
        "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a:99999x\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1 2\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ,\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5,\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5,,5\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1234567890123456789\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",  // conflicting
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \r\n\r\n",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : h\r\n\r\n",                                          // whitespace before colon
        "GET / HTTP/1.1\r\nHost: h\r\nX-A\t: 1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n continued\r\n\r\n",                    // obs-fold
        "GET / HTTP/1.1\r\n Host: h\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\n: empty name\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX(y): 1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX: a\u0000b\r\n\r\n",                              // NUL in a value
        "GET / HTTP/1.1\r\nHost: h\r\nX: a\u007fb\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\rX: 1\r\n\r\n",                                      // bare CR
        "GET / HTTP/1.1\rHost: h\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX: 1\r\r\n\r\n",
        "GET / HTTP/1.1\nHost: h\r\n\r\n",                                              // bare LF
        "GET / HTTP/1.1\r\nHost: h\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\n\n",
        "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",                                           // request line shape
        "GET / HTTP/1.1 \r\nHost: h\r\n\r\n",
        "GET /\r\nHost: h\r\n\r\n",
        " GET / HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n",
        "GE\u0000T / HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /a\u0001b HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /\u00e9 HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET / HTTP/1\r\nHost: h\r\n\r\n",                                              // malformed versions
        "GET / http/1.1\r\nHost: h\r\n\r\n",
        "GET / HTTP/1.10\r\nHost: h\r\n\r\n",
        "GET / HTTP/a.b\r\nHost: h\r\n\r\n",
    })
    void malformedRequestsAre400(String request) {
        assertEquals(Status.BAD_REQUEST, statusOf(request));
    }

    @ParameterizedTest
    @CsvSource({
        "'FOO / HTTP/1.1',  501",
        "'get / HTTP/1.1',  501",
        "'BREW / HTTP/1.1', 501",
        "'GET / HTTP/2.0',  505",
        "'GET / HTTP/0.9',  505",
        "'GET / HTTP/3.0',  505",
    })
    void unknownMethodIs501AndUnsupportedVersion505(String line, int status) {
        assertEquals(status, statusOf(line + "\r\nHost: h\r\n\r\n").code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "gzip, chunked", "chunked;q=1", "x-custom, chunked"})
    void unknownTransferCodingIs501(String coding) {
        assertEquals(Status.NOT_IMPLEMENTED,
                statusOf("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: " + coding + "\r\n\r\n"));
    }

    // ---- limits: at the limit passes, one more fails, also before the line is complete -------

    @Test
    void requestLineAtTheLimitPassesAndOneMoreIs414() throws HttpException {
        String prefix = "GET /";
        String suffix = " HTTP/1.1";
        String atLimit = prefix + "a".repeat(100 - prefix.length() - suffix.length()) + suffix;
        assertEquals(100, atLimit.length());
        one(atLimit + "\r\nHost: h\r\n\r\n");
        String over = prefix + "a".repeat(101 - prefix.length() - suffix.length()) + suffix;
        assertEquals(Status.URI_TOO_LONG, statusOf(over + "\r\nHost: h\r\n\r\n"));
        // an endless line is refused as soon as it passes the limit, without waiting for its end
        assertEquals(Status.URI_TOO_LONG, statusOf("GET /" + "a".repeat(96)));
        assertEquals(0, parseAll("GET /" + "a".repeat(95) + "\r").size(), "100 bytes and a CR: may still end");
    }

    @Test
    void headerSectionAtTheLimitPassesAndOneMoreIs431() throws HttpException {
        // the limit (200) counts every field line with its CRLF; "Host: h\r\n" is 9 bytes
        String filler = "X: " + "a".repeat(200 - 9 - 5) + "\r\n";
        assertEquals(200, ("Host: h\r\n" + filler).length());
        one("GET / HTTP/1.1\r\nHost: h\r\n" + filler + "\r\n");
        String over = "X: " + "a".repeat(200 - 9 - 4) + "\r\n";
        assertEquals(Status.HEADERS_TOO_LARGE, statusOf("GET / HTTP/1.1\r\nHost: h\r\n" + over + "\r\n"));
        assertEquals(Status.HEADERS_TOO_LARGE, statusOf("GET / HTTP/1.1\r\nHost: h\r\nX: " + "a".repeat(300)));
    }

    @Test
    void headerCountAtTheLimitPassesAndOneMoreIs431() throws HttpException {
        one(get("/", "A: 1\r\n".repeat(9)));
        assertEquals(Status.HEADERS_TOO_LARGE, statusOf(get("/", "A: 1\r\n".repeat(10))));
    }

    // ---- the target ---------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({
        "/,                      /",
        "/a/b.html,              /a/b.html",
        "/caf%C3%A9.txt,         /café.txt",
        "/a%20b,                 /a b",
        "//a///b//,              /a/b/",
        "/%2525,                 /%25",
        "/%2e%2e%2fx,            ''",
        "/.hidden/x..y/...,      /.hidden/x..y/...",
        "http://example.com/x/y, /x/y",
        "HTTP://example.com:80,  /",
        "http://[::1]:8080/z?q,  /z",
    })
    void targetIsDecodedOnce(String target, String path) throws HttpException {
        if (path.isEmpty()) {
            assertEquals(Status.BAD_REQUEST, statusOf(get(target)));
        } else {
            assertEquals(path, one(get(target)).target().path());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/../etc/passwd", "/a/../../b", "/a/./b", "/.", "/%2e%2e/x", "/%2E./x", "/a%2fb",
        "/a%2Fb", "/a\\b", "/a%5cb", "/a%00b", "/a%0ab", "/a%7f", "/%c3%28", "/%ff", "/%", "/%4", "/%zz", "/a#frag",
        "/a?b#c", "/a<b", "/a\"b", "/a{b}", "https://example.com/", "ftp://x/", "x", "*", "http:///x",
        "http://user@host/x"})
    void unsafeOrMalformedTargetsAre400(String target) {
        assertEquals(Status.BAD_REQUEST, statusOf(get(target)));
    }

    // ---- feeding in pieces gives the same answers ---------------------------------------------

    @Test
    void byteByByteFeedingGivesTheSameRequests() throws HttpException {
        String input = get("/1", "If-None-Match: \"e\"\r\n") + "POST /2 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\n\r\n" + get("/3");
        List<Request> whole = parseAll(input);
        assertEquals(3, whole.size());
        assertEquals(whole, feedInPieces(bytes(input), 1));
        assertEquals(whole, feedInPieces(bytes(input), 7));
    }

    @Test
    void inProgressOnlyAfterTheFirstByteOfARequest() throws HttpException {
        RequestParser parser = new RequestParser(LIMITS);
        assertFalse(parser.inProgress());
        ByteBuffer in = ByteBuffer.allocate(256);
        in.put(bytes("GE")).flip();
        assertNull(parser.parse(in));
        assertTrue(parser.inProgress());
        in.compact().put(bytes("T / HTTP/1.1\r\nHost: h\r\n\r\n")).flip();
        assertEquals("/", parser.parse(in).target().path());
        assertFalse(parser.inProgress(), "a finished request leaves nothing in progress");
    }

    /** Feeds {@code input} in pieces of {@code step} bytes into a buffer that is compacted as it goes. */
    static List<Request> feedInPieces(byte[] input, int step) throws HttpException {
        RequestParser parser = new RequestParser(LIMITS);
        ByteBuffer in = ByteBuffer.allocate(input.length).limit(0);
        List<Request> out = new ArrayList<>();
        for (int off = 0; off < input.length; off += step) {
            in.compact();
            in.put(input, off, Math.min(step, input.length - off));
            in.flip();
            Request r;
            while ((r = parser.parse(in)) != null) {
                out.add(r);
            }
        }
        return out;
    }
}
