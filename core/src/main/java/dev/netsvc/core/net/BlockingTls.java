package dev.netsvc.core.net;

import dev.netsvc.core.internal.HandshakeFailure;
import dev.netsvc.core.internal.TlsSession;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * TLS on a {@link TcpConnection}'s own virtual thread: the connection's {@link TlsSession} with blocking
 * reads and writes under it. The handshake runs before the handler, against the connection's read
 * deadline; afterwards the handler's reads and writes go through here as plaintext. A connection holds
 * one buffer of records each way (a record is at most about 16 KiB), made when first needed.
 */
final class BlockingTls implements TlsSession.Output {

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final TlsSession session;
    private final TcpConnection connection;
    private ByteBuffer netIn; // ciphertext read from the socket (write mode between reads)
    private ByteBuffer netOut; // records being written
    private ByteBuffer fileChunk; // a file's bytes on their way into records

    BlockingTls(TlsSession session, TcpConnection connection) {
        this.session = session;
        this.connection = connection;
    }

    TlsSession session() {
        return session;
    }

    /**
     * Completes the handshake: {@code early} holds what came before it was started (after a PROXY
     * header), may be null.
     *
     * @throws IOException a failed handshake (already counted by reason), a timeout, the client gone
     */
    void handshake(ByteBuffer early) throws IOException {
        try {
            if (early != null) {
                session.receive(early, NOTHING, this);
            }
            while (!session.isOpen()) {
                if (fill() < 0) {
                    session.abandoned(HandshakeFailure.CLOSED);
                    throw new EOFException("the client closed the connection during the TLS handshake");
                }
                session.receive(netIn.flip(), NOTHING, this);
                netIn.clear();
            }
        } catch (SocketTimeoutException e) {
            session.abandoned(HandshakeFailure.TIMEOUT);
            throw e;
        }
    }

    /** Plaintext into {@code dst}, reading records until some comes; -1 at the end of input. */
    int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        int n = session.receive(NOTHING, dst, this);
        while (n == 0) {
            if (fill() < 0) {
                return -1; // the client closed without close_notify: the end of input all the same
            }
            n = session.receive(netIn.flip(), dst, this);
            netIn.clear();
        }
        return n;
    }

    long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return session.send(srcs, offset, length, this);
    }

    /**
     * Up to one chunk of {@code file} from {@code position}, read into memory once and sent in records:
     * sendfile cannot encrypt.
     */
    long transfer(FileChannel file, long position, long count) throws IOException {
        if (fileChunk == null) {
            fileChunk = ByteBuffer.allocate(session.packetSize());
        }
        fileChunk.clear().limit((int) Math.min(fileChunk.capacity(), count));
        int read = file.read(fileChunk, position);
        if (read <= 0) {
            return 0; // the file ends before position
        }
        session.send(fileChunk.flip(), this);
        return read;
    }

    /** Sends close_notify (once). */
    void closeOutput() throws IOException {
        session.close(this);
    }

    private int fill() throws IOException {
        if (netIn == null) {
            netIn = ByteBuffer.allocate(session.packetSize());
        }
        return connection.readRaw(netIn);
    }

    @Override
    public ByteBuffer buffer() {
        if (netOut == null) {
            netOut = ByteBuffer.allocate(session.packetSize());
        }
        return netOut.clear();
    }

    @Override
    public void send(ByteBuffer records) throws IOException {
        connection.writeRaw(records);
    }
}
