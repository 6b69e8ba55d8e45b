package dev.netsvc.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Coverage-guided fuzzing of {@link RequestParser} (Jazzer). In {@code mvn verify} it replays the inputs
 * committed under {@code src/test/resources/dev/netsvc/http/RequestParserFuzzTestInputs/parse/};
 * {@code bench/fuzz.sh} fuzzes it. The input picks the limits, how the bytes are split into reads, then
 * the bytes. Properties checked on every input:
 * <ul>
 *   <li>every rejection carries one of the statuses the parser defines (400, 413, 414, 431, 501, 505);</li>
 *   <li>the parser never holds more unparsed input than its limits allow (the server's input buffer);</li>
 *   <li>how the bytes are split into reads changes nothing: the same requests, the same outcome;</li>
 *   <li>a parsed request re-serializes to bytes that parse to an equal request;</li>
 *   <li>a decoded target is safe: starts with '/', no dot segment, no NUL, no backslash.</li>
 * </ul>
 */
class RequestParserFuzzTest {

    private static final Set<Status> REJECTIONS = Set.of(Status.BAD_REQUEST, Status.CONTENT_TOO_LARGE,
            Status.URI_TOO_LONG, Status.HEADERS_TOO_LARGE, Status.NOT_IMPLEMENTED, Status.VERSION_NOT_SUPPORTED);

    /**
     * What parsing one byte stream produced: the requests, then whether it was rejected. Which status a
     * rejection has may depend on the split (a line too long for its limit may also hold a bare CR further
     * on: 414 or 400), so the status is checked against the defined ones but not compared.
     */
    record Outcome(List<Request> requests, boolean rejected) {
    }

    @FuzzTest(maxDuration = "10m")
    void parse(FuzzedDataProvider data) {
        RequestParser.Limits limits = new RequestParser.Limits(data.consumeInt(64, 512), data.consumeInt(256, 1024),
                data.consumeInt(1, 20), data.consumeLong(0, 4096));
        long splitSeed = data.consumeLong();
        byte[] input = data.consumeRemainingAsBytes();

        Outcome whole = run(limits, input, input.length, 0);
        Outcome split = run(limits, input, 1 + (int) Math.floorMod(splitSeed, 16L), splitSeed);
        assertEquals(whole, split, "the same bytes in different reads must parse the same");

        for (Request request : whole.requests()) {
            checkTarget(request);
            reparse(limits, request);
        }
    }

    /** Feeds {@code input} in reads of at most {@code read} bytes (varied by {@code seed}) through a bounded buffer. */
    private static Outcome run(RequestParser.Limits limits, byte[] input, int read, long seed) {
        int bufferSize = Math.max(limits.maxRequestLine(), limits.maxHeaderSize()) + 2;
        RequestParser parser = new RequestParser(limits);
        ByteBuffer buffer = ByteBuffer.allocate(Math.max(1, bufferSize)).limit(0);
        List<Request> requests = new ArrayList<>();
        int at = 0;
        long s = seed;
        while (true) {
            try {
                Request request;
                while ((request = parser.parse(buffer)) != null) {
                    requests.add(request);
                }
            } catch (HttpException e) {
                assertTrue(REJECTIONS.contains(e.status()), "undefined status " + e.status() + ": " + e.getMessage());
                assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a rejection says why");
                return new Outcome(requests, true);
            }
            // "need more": what the parser kept must fit the buffer the server sizes from the limits
            assertTrue(buffer.remaining() < bufferSize, "parser holds " + buffer.remaining() + " unparsed bytes; the limits allow " + bufferSize);
            if (at == input.length) {
                return new Outcome(requests, false);
            }
            buffer.compact();
            s = s * 6364136223846793005L + 1442695040888963407L;
            int n = Math.min(Math.min(buffer.remaining(), input.length - at),
                    read == input.length ? input.length : 1 + (int) Math.floorMod(s >>> 33, (long) read));
            if (n == 0) {
                fail("input buffer of " + bufferSize + " bytes is full but the parser asks for more");
            }
            buffer.put(input, at, n);
            at += n;
            buffer.flip();
        }
    }

    private static void checkTarget(Request request) {
        RequestTarget target = request.target();
        if (target == null) {
            assertFalse(request.method().isImplemented(), "GET and HEAD always have a target");
            return;
        }
        String path = target.path();
        assertTrue(path.startsWith("/"), path);
        assertFalse(path.contains("\0") || path.contains("\\") || path.contains("//"), path);
        for (String segment : path.split("/", -1)) {
            assertFalse(segment.equals(".") || segment.equals(".."), "dot segment in " + path);
        }
    }

    /** Re-serializes what the parser kept of {@code request} and parses it again. */
    private static void reparse(RequestParser.Limits limits, Request request) {
        StringBuilder text = new StringBuilder(request.line()).append("\r\n");
        if (request.version() == Version.HTTP_1_1) {
            text.append("Host: localhost\r\n");
            if (!request.keepAlive()) {
                text.append("Connection: close\r\n");
            }
        } else if (request.keepAlive()) {
            text.append("Connection: keep-alive\r\n");
        }
        if (request.ifNoneMatch() != null) {
            text.append("If-None-Match: ").append(request.ifNoneMatch()).append("\r\n");
        }
        if (request.ifModifiedSince() != null) {
            text.append("If-Modified-Since: ").append(request.ifModifiedSince()).append("\r\n");
        }
        text.append("\r\n");
        RequestParser.Limits roomy = new RequestParser.Limits(limits.maxRequestLine(), 1 << 20, 1000, limits.maxBody());
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        try {
            Request again = new RequestParser(roomy).parse(bytes);
            assertEquals(request, again, "re-serialized: " + text);
            assertFalse(bytes.hasRemaining());
        } catch (HttpException e) {
            fail("the re-serialized request is rejected (" + e.getMessage() + "): " + text);
        }
    }
}
