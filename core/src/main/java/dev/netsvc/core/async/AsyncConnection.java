package dev.netsvc.core.async;

import dev.netsvc.core.tls.TlsPeer;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * One connection of an {@link AsyncTcpServer}, as its {@link AsyncHandler} sees it. Call it from the
 * handler's callbacks. Under TLS it carries plaintext like any other: the handshake completed before the
 * handler was made ({@link #tls} says with what). Behind a load balancer that sends a PROXY header,
 * {@link #remoteAddress} is the client's address from the header.
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

    /** The TLS session the connection's bytes go through; empty for plain TCP. */
    default Optional<TlsPeer> tls() {
        return Optional.empty();
    }
}
