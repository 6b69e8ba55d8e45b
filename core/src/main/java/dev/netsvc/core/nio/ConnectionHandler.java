package dev.netsvc.core.nio;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The protocol side of one connection of an {@link NioTcpServer}: it consumes input bytes and produces
 * output through its {@link Connection}. Every method runs on the connection's event loop thread, one
 * at a time, so a handler needs no locking; it must never block.
 *
 * <p>An exception thrown from any method closes this connection only ({@link CloseReason#FAILED}, or
 * {@link CloseReason#DISCONNECTED} for a peer that went away); the server and its other connections
 * carry on.
 *
 * <p>The echo protocol is the smallest handler:
 * <pre>{@code
 * ConnectionHandler echo = (connection, input) -> connection.write(input);
 * }</pre>
 */
@FunctionalInterface
public interface ConnectionHandler {

    /**
     * Input arrived. Consume what you can from {@code input} (advance its position); bytes left
     * unconsumed are kept and offered again, followed by new input, on the next call. The buffer belongs
     * to the event loop: do not keep it after returning. At most {@link NioOptions#readBufferSize()}
     * bytes are ever offered; a handler that leaves that many unconsumed gets its connection closed
     * ({@link CloseReason#INPUT_LIMIT}).
     */
    void onInput(Connection connection, ByteBuffer input) throws IOException;

    /**
     * The peer shut down its output (or the server is stopping): no more input will come. The default
     * closes the connection once pending output is written, which suits request/response protocols.
     */
    default void onEndOfInput(Connection connection) throws IOException {
        connection.close();
    }

    /** Output that had to wait for the peer has now all been written; produce more if you have it. */
    default void onOutputDrained(Connection connection) throws IOException {
    }

    /** The connection is closed, for {@code reason}. Called exactly once; release resources here. */
    default void onClosed(Connection connection, CloseReason reason) {
    }

    /** Makes the handler of a newly accepted connection; one shared handler may serve every connection. */
    @FunctionalInterface
    interface Factory {
        ConnectionHandler open(Connection connection) throws IOException;
    }
}
