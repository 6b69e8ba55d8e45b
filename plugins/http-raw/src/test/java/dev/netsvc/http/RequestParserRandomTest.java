package dev.netsvc.http;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A bounded randomized test of the parser: valid requests split at random points parse exactly as when
 * fed whole, and mutated or random bytes only ever give "need more", requests or an {@link HttpException}:
 * never another exception, never a read past the input. Fixed seeds, so a failure is reproducible.
 */
class RequestParserRandomTest {

    private static final int ROUNDS = 2000;
    private static final RequestParser.Limits LIMITS = new RequestParser.Limits(200, 400, 20, 2000);

    @Test
    void validRequestsParseTheSameHoweverTheyAreSplit() throws HttpException {
        Random random = new Random(42);
        for (int round = 0; round < ROUNDS; round++) {
            List<String> paths = new ArrayList<>();
            StringBuilder input = new StringBuilder();
            int count = 1 + random.nextInt(4);
            for (int i = 0; i < count; i++) {
                String path = "/p" + round + "-" + i;
                paths.add(path);
                input.append(validRequest(random, path));
            }
            byte[] bytes = input.toString().getBytes(StandardCharsets.ISO_8859_1);
            List<Request> whole = parse(bytes, bytes.length, random);
            assertEquals(paths, whole.stream().map(r -> r.line().split("[ ?]")[1]).toList(), input::toString);
            assertEquals(whole, parse(bytes, 1 + random.nextInt(16), random), input::toString);
        }
    }

    @Test
    void mutatedRequestsGiveRequestsOrHttpExceptionsOnly() {
        Random random = new Random(7);
        int rejected = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[] bytes = validRequest(random, "/m" + round).getBytes(StandardCharsets.ISO_8859_1);
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                bytes = mutate(bytes, random);
            }
            rejected += survives(bytes, random) ? 0 : 1;
        }
        assertTrue(rejected > ROUNDS / 4, "mutations are mostly caught: " + rejected);
    }

    @Test
    void randomBytesGiveRequestsOrHttpExceptionsOnly() {
        Random random = new Random(99);
        byte[] alphabet = "GETHOST /:\r\n\t 0123456789abcdefchunked,;%.\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] bytes = new byte[random.nextInt(300)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = random.nextBoolean() ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
            }
            survives(bytes, random);
        }
    }

    /** Parses {@code bytes}; true when it parsed (perhaps incompletely), false on an HttpException. */
    private static boolean survives(byte[] bytes, Random random) {
        try {
            parse(bytes, 1 + random.nextInt(32), random);
            return true;
        } catch (HttpException e) {
            assertTrue(e.status().code() >= 400, e::getMessage);
            return false;
        } catch (RuntimeException e) {
            fail("unexpected " + e + " on " + new String(bytes, StandardCharsets.ISO_8859_1), e);
            return false;
        }
    }

    /** Feeds pieces of at most {@code step} bytes (random sizes) and collects the requests. */
    private static List<Request> parse(byte[] input, int step, Random random) throws HttpException {
        RequestParser parser = new RequestParser(LIMITS);
        ByteBuffer in = ByteBuffer.allocate(input.length).limit(0);
        List<Request> out = new ArrayList<>();
        int off = 0;
        int calls = 0;
        while (off < input.length) {
            int n = Math.min(input.length - off, 1 + random.nextInt(step));
            in.compact().put(input, off, n).flip();
            off += n;
            Request r;
            while ((r = parser.parse(in)) != null) {
                out.add(r);
                assertTrue(++calls <= input.length, "every request consumes input");
            }
            assertTrue(in.position() <= in.limit());
        }
        return out;
    }

    private static String validRequest(Random random, String path) {
        StringBuilder r = new StringBuilder();
        boolean post = random.nextInt(3) == 0;
        String method = post ? "POST" : random.nextBoolean() ? "GET" : "HEAD";
        r.append(method).append(' ').append(path).append(random.nextBoolean() ? "?q=" + random.nextInt() : "")
                .append(" HTTP/1.1\r\nHost: example.com\r\n");
        for (int i = random.nextInt(5); i > 0; i--) {
            r.append("X-H").append(i).append(":").append(random.nextBoolean() ? " " : "").append("v").append(random.nextInt(1000)).append("\r\n");
        }
        if (post) {
            String body = "b".repeat(random.nextInt(50));
            if (random.nextBoolean()) {
                r.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
            } else {
                r.append("Transfer-Encoding: chunked\r\n\r\n");
                int at = 0;
                while (at < body.length()) {
                    int n = Math.min(body.length() - at, 1 + random.nextInt(20));
                    r.append(Integer.toHexString(n)).append("\r\n").append(body, at, at + n).append("\r\n");
                    at += n;
                }
                r.append("0\r\n\r\n");
            }
        } else {
            r.append("\r\n");
        }
        return r.toString();
    }

    private static byte[] mutate(byte[] in, Random random) {
        int at = random.nextInt(in.length);
        byte b = (byte) random.nextInt(256);
        return switch (random.nextInt(3)) {
            case 0 -> { // replace
                byte[] out = in.clone();
                out[at] = b;
                yield out;
            }
            case 1 -> { // insert
                byte[] out = new byte[in.length + 1];
                System.arraycopy(in, 0, out, 0, at);
                out[at] = b;
                System.arraycopy(in, at, out, at + 1, in.length - at);
                yield out;
            }
            default -> { // delete
                byte[] out = new byte[in.length - 1];
                System.arraycopy(in, 0, out, 0, at);
                System.arraycopy(in, at + 1, out, at, in.length - at - 1);
                yield out;
            }
        };
    }
}
