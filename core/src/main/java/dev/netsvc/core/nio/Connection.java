package dev.netsvc.core.nio;

import dev.netsvc.core.net.FileTransfer;
import dev.netsvc.core.tls.TlsPeer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;

/**
 * One accepted connection of an {@link NioTcpServer}, as its {@link ConnectionHandler} sees it. Call its
 * methods from the handler's callbacks (the connection's event loop thread); from any other thread, go
 * through {@link #execute}.
 *
 * <p>Output is written to the socket at once when it can be; what the peer is not ready for is copied
 * and kept, and when more than {@link NioOptions#maxPendingOutput()} bytes wait, the connection stops
 * reading until they have been written (backpressure). A handler therefore never needs its own output
 * queue, and a peer that stops reading cannot make the server buffer without end.
 */
public interface Connection extends FileTransfer {

    /**
     * Writes {@code data} (its remaining bytes; its position advances to its limit). When this returns,
     * the bytes are on the socket or copied, so the caller may reuse the buffer.
     *
     * @throws IllegalStateException if output was shut down or the connection is closing
     * @throws IOException           if the socket failed (the connection is then closed)
     */
    void write(ByteBuffer data) throws IOException;

    /** Like {@link #write(ByteBuffer)} for several buffers, in one system call where possible. */
    void write(ByteBuffer... data) throws IOException;

    /**
     * Sends up to {@code count} bytes of {@code file} from {@code position} straight from the file to the
     * socket ({@code sendfile}: no copy through the heap, no buffering here), and returns how many the
     * socket took now. When that is fewer than {@code count}, the socket is full: call again from
     * {@link ConnectionHandler#onOutputDrained}, which follows once it can take more. Output already
     * pending goes first: while any waits, this sends nothing and returns 0. The file stays the caller's
     * to close.
     *
     * @throws IllegalStateException if output was shut down or the connection is closing
     * @throws IOException           if the file or the socket failed
     */
    @Override
    long transferFrom(FileChannel file, long position, long count) throws IOException;

    /** Bytes written by the handler and not yet taken by the socket. */
    int pendingOutput();

    /** Stops offering input until {@link #resumeInput()}; the peer is held back by TCP flow control. */
    void suspendInput();

    void resumeInput();

    /** Sends FIN once pending output is written (TCP half-close); input continues to be offered. */
    void shutdownOutput();

    /**
     * Closes gracefully: pending output is written first, then the socket closes. If the peer is still
     * sending, output is shut down and its input is read and discarded until it closes too (or the idle
     * timeout passes), so the peer receives everything instead of a reset.
     */
    void close();

    /** Closes now, dropping pending output. */
    void abort();

    /** Whether the connection is open (not closing or closed). */
    boolean isOpen();

    /** Runs {@code task} on this connection's event loop; from any thread. Skipped if the connection is closed by then. */
    void execute(Runnable task);

    /** The client's address (from the PROXY header when the service expects one). */
    InetSocketAddress remoteAddress();

    /** The TLS session the connection's bytes go through; empty for plain TCP. */
    default Optional<TlsPeer> tls() {
        return Optional.empty();
    }
}
