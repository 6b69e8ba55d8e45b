package dev.netsvc.core.frame;

import dev.netsvc.core.async.AsyncConnection;
import dev.netsvc.core.async.AsyncHandler;
import dev.netsvc.core.nio.Connection;
import dev.netsvc.core.nio.ConnectionHandler;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A framed protocol on the event-driven engines: the handler sees whole frames, never pieces of input.
 * Each connection gets its own {@link FrameDecoder}; at the end of input the frame it ended in (an
 * unfinished line) is handed over too, then the connection closes once its output is written. A frame
 * longer than the framing's limit throws {@link FrameException} out of the engine's callback, which closes
 * that connection (counted as {@code tcp.connections.input-limit}). On the blocking engine, read frames
 * with a {@link FrameReader}.
 * <pre>{@code
 * Framing lines = Framing.lines(1024);
 * NioTcpServer.start(context, options, Framed.selector(lines,
 *         (connection, line) -> connection.write(lines.encode(answer(line)))));
 * }</pre>
 */
public final class Framed {

    /** What a connection does with each frame it receives; {@code frame} is valid during the call only. */
    @FunctionalInterface
    public interface Handler<C> {
        void onFrame(C connection, ByteBuffer frame) throws IOException;
    }

    private Framed() {
    }

    /**
     * Handlers of the selector engine ({@link dev.netsvc.core.nio.NioTcpServer}, and the test kit's
     * {@code EmbeddedConnection}) that hand {@code handler} whole frames. A framing that ends frames at a
     * pause is refused: the selector engine has no timer a handler can use (read such input with a
     * {@link FrameReader} on the blocking engine).
     */
    public static ConnectionHandler.Factory selector(Framing framing, Handler<Connection> handler) {
        noPause(framing);
        return connection -> new SelectorFrames(framing.decoder(), handler);
    }

    /**
     * Handlers of the NIO.2 engine ({@link dev.netsvc.core.async.AsyncTcpServer}) that hand {@code handler}
     * whole frames. {@link AsyncConnection#write} keeps its buffer until it is written, and a frame is
     * valid during the call only: write what {@link Framing#encode} makes (a copy), never the frame itself.
     */
    public static AsyncHandler.Factory async(Framing framing, Handler<AsyncConnection> handler) {
        noPause(framing);
        return connection -> new AsyncFrames(framing.decoder(), handler);
    }

    private static void noPause(Framing framing) {
        if (framing.pause().isPresent()) {
            throw new IllegalArgumentException("a frame that ends at a pause needs a timer: read it with a"
                    + " FrameReader on the blocking engine");
        }
    }

    private record SelectorFrames(FrameDecoder decoder, Handler<Connection> handler) implements ConnectionHandler {
        @Override
        public void onInput(Connection connection, ByteBuffer input) throws IOException {
            ByteBuffer frame;
            while (connection.isOpen() && (frame = decoder.next(input)) != null) {
                handler.onFrame(connection, frame);
            }
        }

        @Override
        public void onEndOfInput(Connection connection) throws IOException {
            ByteBuffer last = decoder.end();
            if (last != null && connection.isOpen()) {
                handler.onFrame(connection, last);
            }
            connection.close();
        }
    }

    private record AsyncFrames(FrameDecoder decoder, Handler<AsyncConnection> handler) implements AsyncHandler {
        @Override
        public void onInput(AsyncConnection connection, ByteBuffer input) throws IOException {
            ByteBuffer frame;
            while ((frame = decoder.next(input)) != null) {
                handler.onFrame(connection, frame);
            }
        }

        @Override
        public void onEndOfInput(AsyncConnection connection) throws IOException {
            ByteBuffer last = decoder.end();
            if (last != null) {
                handler.onFrame(connection, last);
            }
            connection.close();
        }
    }
}
