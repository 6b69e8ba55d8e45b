package dev.netsvc.core.async;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One connection of an {@link AsyncTcpServer}, as its {@link AsyncHandler} sees it. Call it from the
 * handler's callbacks.
 */
public interface AsyncConnection {

    /**
     * Writes all of {@code data}'s remaining bytes, after what was written before; the next read waits
     * until every write has completed. Until then {@code data} is the connection's: do not change it.
     */
    void write(ByteBuffer data);

    /** Closes once every write has completed: output shut down (FIN), then the socket closed. */
    void close();

    /** Closes now, dropping writes that have not completed. */
    void abort();

    InetSocketAddress remoteAddress();
}
