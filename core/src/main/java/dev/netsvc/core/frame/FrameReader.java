package dev.netsvc.core.frame;

import dev.netsvc.core.net.TcpConnection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.time.Clock;
import java.time.Duration;

/**
 * Frames read from a blocking channel, one at a time: the way a thread-per-connection handler
 * ({@link dev.netsvc.core.net.BlockingTcpServer}) or a client reads a framed protocol.
 * <pre>{@code
 * FrameReader frames = FrameReader.of(connection, Framing.lines(1024), context.clock());
 * ByteBuffer line;
 * while ((line = frames.next()) != null) {
 *     connection.write(Framing.lines(1024).encode(answer(line)));
 * }
 * }</pre>
 *
 * <p>It holds one read buffer of at most 4 KiB and its {@link FrameDecoder}, whose buffer never grows past
 * the framing's limit. With a framing that ends frames at a pause ({@link Framing#withPause}), a read that
 * waits while part of a frame is pending wakes up to look at the service's clock, and once no input has
 * come for the pause on it, what is pending is the frame. Not thread-safe: one reader per connection.
 */
public final class FrameReader {

    private static final int MAX_READ_BUFFER = 4096;

    private final ReadableByteChannel channel;
    private final TcpConnection connection; // the pause's timed reads; null without a pause
    private final Clock clock;
    private final long pauseMillis;
    private final FrameDecoder decoder;
    private final ByteBuffer buffer; // in read mode: what was read and not yet decoded
    private long lastInput;
    private boolean ended;

    private FrameReader(ReadableByteChannel channel, TcpConnection connection, Framing framing, Clock clock) {
        this.channel = channel;
        this.connection = connection;
        this.clock = clock;
        this.pauseMillis = framing.pause().map(Duration::toMillis).orElse(0L);
        this.decoder = framing.decoder();
        this.buffer = ByteBuffer.allocate(Math.min(MAX_READ_BUFFER, framing.maxFrameBytes())).flip();
    }

    /**
     * Frames of a connection of the blocking engine; a pause in the framing is measured on {@code clock}
     * (the service's, {@code context.clock()}).
     */
    public static FrameReader of(TcpConnection connection, Framing framing, Clock clock) {
        return new FrameReader(connection, connection, framing, clock);
    }

    /** Frames of any blocking channel (a client's socket, say); its framing must not end at a pause. */
    public static FrameReader of(ReadableByteChannel channel, Framing framing) {
        if (framing.pause().isPresent()) {
            throw new IllegalArgumentException("a pause is timed on a TcpConnection only: use of(connection, framing, clock)");
        }
        return new FrameReader(channel, null, framing, Clock.systemUTC());
    }

    /**
     * The next frame's payload, waiting for input as needed; valid until the next call. At the end of
     * input, the frame it ended in (an unfinished line, see {@link FrameDecoder#end}), then null.
     *
     * @throws FrameException for a frame longer than the limit, or input that ended inside a
     *                        length-prefixed frame
     * @throws IOException    when reading fails (a {@link java.net.SocketTimeoutException} for a read
     *                        deadline or a socket timeout)
     */
    public ByteBuffer next() throws IOException {
        while (!ended) {
            ByteBuffer frame = decoder.next(buffer);
            if (frame != null) {
                return frame;
            }
            buffer.clear();
            int n = pauseMillis > 0 && decoder.pending() > 0 ? readUntilPause() : channel.read(buffer);
            buffer.flip();
            if (n == PAUSED) {
                return decoder.flush();
            }
            if (n < 0) {
                ended = true;
                return decoder.end();
            }
            lastInput = clock.millis();
        }
        return null;
    }

    private static final int PAUSED = -2;

    /**
     * Reads while part of a frame is pending: waits at most until the pause would be over, then looks at
     * the clock again (a test's manual clock may not have moved). Ends with what was read, -1 at the end
     * of input, or {@link #PAUSED}; the connection's idle timeout and the server's stop end the wait too.
     */
    private int readUntilPause() throws IOException {
        while (true) {
            long left = lastInput + pauseMillis - clock.millis();
            if (left <= 0) {
                return PAUSED;
            }
            int n = connection.read(buffer, Duration.ofMillis(Math.min(left, pauseMillis)));
            if (n != 0) {
                return n;
            }
        }
    }
}
