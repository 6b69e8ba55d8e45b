package dev.netsvc.core.async;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The protocol side of one connection of an {@link AsyncTcpServer}. The engine reads into the
 * connection's buffer and offers what came; the handler answers through its {@link AsyncConnection}. Only
 * one operation of a connection is ever in flight: the next read starts once every write the handler
 * asked for has completed, so a client that does not read what it is sent is not read from either, and
 * a connection holds one buffer whatever the client does. Callbacks of one connection never run at once,
 * but may run on any thread of the channel group: do not block in them.
 *
 * <p>An exception from a callback closes that connection only; the server and its other connections
 * carry on. The echo is the smallest handler:
 * <pre>{@code
 * AsyncHandler echo = (connection, input) -> connection.write(input);
 * }</pre>
 */
@FunctionalInterface
public interface AsyncHandler {

    /**
     * Input arrived: {@code input} (read mode) is the connection's read buffer. Write with
     * {@link AsyncConnection#write}, which may take {@code input} itself; the engine reads into the
     * buffer again, from its start, once every write has completed, so keep what you need of it
     * (a partial message) in state of your own.
     */
    void onInput(AsyncConnection connection, ByteBuffer input) throws IOException;

    /**
     * The client half-closed, or the server is stopping: no more input comes. The default closes the
     * connection once its writes have completed (FIN, then close), which suits request/response protocols.
     */
    default void onEndOfInput(AsyncConnection connection) throws IOException {
        connection.close();
    }

    /** Makes the handler of a newly accepted connection; one shared handler may serve every connection. */
    @FunctionalInterface
    interface Factory {
        AsyncHandler open(AsyncConnection connection) throws IOException;
    }
}
