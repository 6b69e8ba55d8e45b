package dev.netsvc.core.frame;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * The whole of a "one request, one reply" protocol: the reply to a request. {@link Replies} runs it on
 * any engine and over UDP, with the framing of the requests and replies. It is called on the engine's
 * threads, for many connections at once: keep no state of one request in it, and on the selector and
 * NIO.2 engines and UDP do not block (no file or network I/O per request; load what you need in
 * {@code start}).
 * <pre>{@code
 * Replier upper = Replier.text(line -> line.toUpperCase(Locale.ROOT));
 * }</pre>
 */
@FunctionalInterface
public interface Replier {

    /**
     * The reply to {@code request}, a frame's payload (valid during the call only), as the payload of the
     * reply frame; null to send no reply. An exception closes the connection (over UDP: no reply, counted
     * as {@code udp.failed}).
     */
    ByteBuffer reply(ByteBuffer request) throws IOException;

    /**
     * A text protocol: the request decoded as UTF-8 (a malformed byte becomes U+FFFD), the reply encoded
     * as UTF-8; {@code answer} returns null for no reply.
     */
    static Replier text(UnaryOperator<String> answer) {
        return request -> {
            String reply = answer.apply(StandardCharsets.UTF_8.decode(request).toString());
            return reply == null ? null : ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8));
        };
    }
}
