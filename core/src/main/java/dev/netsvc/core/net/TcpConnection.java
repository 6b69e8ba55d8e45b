package dev.netsvc.core.net;

import dev.netsvc.core.internal.Sockets;
import dev.netsvc.core.internal.TcpCork;
import dev.netsvc.core.internal.TlsContext;
import dev.netsvc.core.tls.TlsPeer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;

/**
 * One connection of a {@link BlockingTcpServer}, as its handler sees it, on the handler's own virtual
 * thread: reads that wait for input, writes that wait for the client to take them (buffers gathered into
 * one system call, files by {@code sendfile}), streams over both, half-close and a lingering close.
 * Every read and write that completes is activity for the server's idle timeout; a read deadline
 * ({@link #readDeadline}) bounds a wait for input on the service's clock, through the server's one
 * deadline sweep, instead of a socket timeout per read.
 *
 * <p>It is a thin layer over the accepted blocking {@link SocketChannel}: nothing is buffered here, and
 * an idle connection holds no buffer of its own. In front of the handler, before it is called, the server
 * reads the connection's PROXY header (when the service expects one) and completes its TLS handshake
 * (when the service serves TLS); the handler then reads and writes plaintext through the same methods,
 * sees the client's address from the header in {@link #remoteAddress}, and the session in {@link #tls}.
 * Under TLS a file goes out a record at a time through memory ({@code sendfile} cannot encrypt), and the
 * connection holds a record's buffer each way.
 */
public final class TcpConnection implements ByteChannel, GatheringByteChannel, FileTransfer {

    /** Most bytes a lingering close reads and throws away: a client still sending more is not finishing. */
    static final int LINGER_MAX_BYTES = 256 * 1024;
    private static final int LINGER_BUFFER = 4096;
    /** What one wait for a full socket writes: see {@link #transferFrom}. */
    private static final int WAIT_CHUNK = 16 * 1024;
    private static final ByteBuffer NOTHING = ByteBuffer.allocateDirect(0);

    private final SocketChannel channel;
    private final BlockingTcpServer server;
    private InetSocketAddress remote; // the PROXY header's client once read
    final AcceptPath.Ticket ticket;
    /** When a read or write last completed, on the service's clock; read by the idle sweep. */
    volatile long lastActivity;
    /** By when input must come (clock millis), or {@link DeadlineSweep#NONE}; read by the sweep. */
    volatile long readDeadline = DeadlineSweep.NONE;
    /** The read deadline passed, and input was ended to wake the handler's read. */
    private volatile boolean timedOut;
    /** The server ended input: it is stopping. */
    private volatile boolean inputEnded;
    private boolean wrote; // handler thread only
    private InputStream input;
    private OutputStream output;
    private BlockingTls tls; // null: plain TCP
    private ByteBuffer early; // plaintext that came with the PROXY header, for the first reads

    TcpConnection(SocketChannel channel, BlockingTcpServer server, AcceptPath.Ticket ticket) throws IOException {
        this.channel = channel;
        this.server = server;
        this.remote = (InetSocketAddress) channel.getRemoteAddress();
        this.ticket = ticket;
        this.lastActivity = server.now();
    }

    // ---- input ---------------------------------------------------------------------------------------

    /**
     * Reads into {@code dst}, waiting until some input comes; -1 at the end of input (the client
     * half-closed, or the server is stopping).
     *
     * @throws SocketTimeoutException when the {@link #readDeadline} passed first; input has then ended
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (tls != null) {
            return tls.read(dst);
        }
        if (early != null) {
            int n = Math.min(early.remaining(), dst.remaining());
            dst.put(dst.position(), early, early.position(), n).position(dst.position() + n);
            early.position(early.position() + n);
            if (!early.hasRemaining()) {
                early = null;
            }
            return n;
        }
        return readRaw(dst);
    }

    /** Reads from the socket itself (ciphertext under TLS). */
    int readRaw(ByteBuffer dst) throws IOException {
        int n = channel.read(dst);
        if (n < 0 && timedOut) {
            throw new SocketTimeoutException("no input within the read deadline");
        }
        lastActivity = server.now();
        if (n > 0) {
            ticket.received(n);
        }
        return n;
    }

    /**
     * Like {@link #read(ByteBuffer)}, but waits at most {@code within} (real time) for input: 0 when none
     * came by then, and the connection goes on as before (a {@link #readDeadline} instead ends its input).
     * For a short look, such as {@link dev.netsvc.core.frame.FrameReader}'s for a client's pause, which it
     * measures on the service's clock; a timed wait costs more than a plain read, so do not read this way
     * all the time.
     */
    public int read(ByteBuffer dst, Duration within) throws IOException {
        if (isInputShutdown() || !dst.hasRemaining()) {
            return read(dst);
        }
        java.net.Socket socket = channel.socket();
        socket.setSoTimeout((int) Math.clamp(within.toMillis(), 1, Integer.MAX_VALUE));
        byte[] into = dst.hasArray() ? dst.array() : new byte[dst.remaining()];
        int offset = dst.hasArray() ? dst.arrayOffset() + dst.position() : 0;
        int n;
        try {
            n = socket.getInputStream().read(into, offset, dst.remaining());
        } catch (SocketTimeoutException e) {
            return 0;
        } catch (java.net.SocketException e) {
            if (isInputShutdown()) {
                return read(dst); // input ended here meanwhile (a stop, a read deadline): as a plain read says
            }
            throw e;
        }
        if (n > 0) {
            if (dst.hasArray()) {
                dst.position(dst.position() + n);
            } else {
                dst.put(into, 0, n);
            }
            lastActivity = server.now();
        } else if (n < 0 && timedOut) {
            throw new SocketTimeoutException("no input within the read deadline");
        }
        return n;
    }

    /** The input as a stream (one per connection, over {@link #read}; closing it closes the connection). */
    public InputStream input() {
        if (input == null) {
            input = Channels.newInputStream(this);
        }
        return input;
    }

    /**
     * From now on, a read waiting for input fails with {@link SocketTimeoutException} once {@code within}
     * has passed on the service's clock (say, the rest of a request must arrive in time). The server's
     * deadline sweep notices it within a tick and ends the connection's input, which wakes the read; the
     * connection can then still write (a 408, say), but no longer read.
     */
    public void readDeadline(Duration within) {
        readDeadline = server.now() + within.toMillis();
    }

    /** Reads wait without a deadline again (the idle timeout still applies). */
    public void clearReadDeadline() {
        readDeadline = DeadlineSweep.NONE;
    }

    /** Whether input was ended here: the server is stopping, or a read deadline passed. */
    public boolean isInputShutdown() {
        return inputEnded || timedOut;
    }

    // ---- output --------------------------------------------------------------------------------------

    /** Writes all of {@code src}, waiting while the client does not take it. */
    @Override
    public int write(ByteBuffer src) throws IOException {
        if (tls != null) {
            return (int) tls.write(new ByteBuffer[] {src}, 0, 1);
        }
        return writeRaw(src);
    }

    /** Writes all of {@code src} to the socket itself (records under TLS). */
    int writeRaw(ByteBuffer src) throws IOException {
        int total = 0;
        while (src.hasRemaining()) { // a blocking channel on a virtual thread may take part of it
            int n = channel.write(src);
            total += n;
            ticket.sent(n);
            lastActivity = server.now();
        }
        return total;
    }

    /** Writes all of the buffers, each system call taking as many as the socket will. */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (tls != null) {
            return tls.write(srcs, offset, length);
        }
        long total = 0;
        int last = offset + length - 1;
        while (offset <= last) {
            long n = channel.write(srcs, offset, last - offset + 1);
            total += n;
            ticket.sent(n);
            lastActivity = server.now();
            while (offset <= last && !srcs[offset].hasRemaining()) {
                offset++;
            }
        }
        return total;
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /**
     * Sends up to {@code count} bytes of {@code file} from {@code position} by {@code sendfile}, waiting
     * while the socket is full; returns how many went (at least one), or 0 when the file has no byte at
     * {@code position}. On a virtual thread the JDK's socket is non-blocking underneath and
     * {@code transferTo} does not wait for room, so a full socket is waited for by writing one small chunk
     * of the file through the channel, which parks until the client takes it; then {@code sendfile} goes on.
     */
    @Override
    public long transferFrom(FileChannel file, long position, long count) throws IOException {
        if (count <= 0) {
            return 0;
        }
        if (tls != null) {
            return tls.transfer(file, position, count);
        }
        if (!wrote) {
            // a write, even of nothing, makes a virtual thread's socket non-blocking underneath (the JDK
            // does so on its first read or write); sendfile on a blocking one would hold the carrier thread
            channel.write(NOTHING);
            wrote = true;
        }
        long n = TcpCork.transferTo(file, position, count, channel);
        if (n > 0) {
            ticket.sent(n);
            lastActivity = server.now();
            return n;
        }
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(count, WAIT_CHUNK));
        int read = file.read(chunk, position);
        if (read <= 0) {
            return 0; // the file ends before position
        }
        return write(chunk.flip());
    }

    /** The output as a stream (one per connection, over {@link #write}; closing it closes the connection). */
    public OutputStream output() {
        if (output == null) {
            output = Channels.newOutputStream(this);
        }
        return output;
    }

    /** Sends FIN after what was written (TCP half-close; under TLS close_notify first); input goes on. */
    public void shutdownOutput() throws IOException {
        if (tls != null) {
            tls.closeOutput();
        }
        channel.shutdownOutput();
    }

    // ---- the connection ------------------------------------------------------------------------------

    /** The client's address: from the PROXY header when the service is behind a balancer that sends one. */
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** The TLS session the client's bytes arrive through; empty for plain TCP. */
    public Optional<TlsPeer> tls() {
        return tls == null ? Optional.empty() : Optional.ofNullable(tls.session().peer());
    }

    /** The local address the client connected to. */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /**
     * Closes without destroying what was written. Closing a socket that still has unread input makes the
     * kernel send a reset instead of FIN, which can destroy output still on its way or unread at the
     * client (a reply, an error response sent while the client was still sending). So: half-close, read
     * and discard what the client still sends until it closes too, for at most {@code linger} on the
     * service's clock (and {@value #LINGER_MAX_BYTES} bytes), then close. When input was already ended
     * here (a read deadline, a stop) nothing more can be read, and it closes after the FIN. Never throws.
     */
    public void closeLingering(Duration linger) {
        try {
            shutdownOutput();
            if (!isInputShutdown()) {
                readDeadline(linger);
                ByteBuffer sink = ByteBuffer.allocate(LINGER_BUFFER);
                for (long drained = 0; drained < LINGER_MAX_BYTES; ) {
                    int n = read(sink.clear());
                    if (n < 0) {
                        break; // the client closed too: an orderly close on both sides
                    }
                    drained += n;
                }
            }
        } catch (IOException e) {
            // the linger passed, or the client reset or closed: nothing left to protect
        } finally {
            close();
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Closes the connection at once (a blocked read or write then fails); harmless when closed. */
    @Override
    public void close() {
        Sockets.closeQuietly(channel);
    }

    /**
     * What this connection's log line ({@code <id>.connection-log}) says besides its source, duration and
     * bytes: an exec program's pid and exit status, say.
     */
    public void logDetail(String detail) {
        ticket.describe(detail);
    }

    /**
     * The connection failed for {@code cause} (a program that would not start, say), though the handler
     * returns normally: its log line says so, also under {@code connection-log=failure}.
     */
    public void logFailure(String cause) {
        ticket.failed(cause);
    }

    @Override
    public String toString() {
        return "connection from " + HostPort.format(remote);
    }

    // ---- for the server ------------------------------------------------------------------------------

    SocketChannel channel() {
        return channel;
    }

    /**
     * The layers in front of the handler, on the connection's thread: its PROXY header (within
     * {@code proxyTimeoutMillis}) when its ticket awaits one, then the TLS handshake (within the
     * handshake timeout) when {@code tlsContext} is set. False when the connection was refused or the
     * handshake failed (counted, and a refused one reset); the server then closes it.
     */
    boolean prepare(long proxyTimeoutMillis, TlsContext tlsContext) {
        try {
            if (ticket.awaitsProxyHeader() && !readProxyHeader(proxyTimeoutMillis)) {
                AcceptPath.resetQuietly(channel);
                return false;
            }
            if (tlsContext != null) {
                tls = new BlockingTls(tlsContext.newSession(), this);
                readDeadline(Duration.ofMillis(tlsContext.handshakeTimeoutMillis()));
                ByteBuffer before = early;
                early = null;
                tls.handshake(before);
                clearReadDeadline();
            }
            return true;
        } catch (IOException e) {
            server.log().debug("{}: {}", this, e.toString());
            return false;
        }
    }

    private boolean readProxyHeader(long timeoutMillis) throws IOException {
        readDeadline(Duration.ofMillis(timeoutMillis));
        ByteBuffer header = ByteBuffer.allocate(256);
        while (true) {
            ByteBuffer received = header.duplicate().flip();
            if (ticket.readProxyHeader(received)) {
                if (received.hasRemaining()) {
                    early = ByteBuffer.allocate(received.remaining()).put(received).flip();
                }
                break;
            }
            if (!header.hasRemaining()) { // a v2 header longer than the buffer: the parser bounds it
                header = ByteBuffer.allocate(header.capacity() * 4).put(header.flip());
            }
            int n;
            try {
                n = readRaw(header);
            } catch (SocketTimeoutException e) {
                ticket.refuse("timeout");
                return false;
            }
            if (n < 0) {
                ticket.refuse("closed");
                return false;
            }
        }
        clearReadDeadline();
        remote = ticket.client();
        return ticket.isAdmitted();
    }

    /** The handler returned: under TLS, close_notify before the socket closes. Never throws. */
    void finish() {
        if (tls != null && channel.isOpen()) {
            try {
                tls.closeOutput();
            } catch (IOException e) {
                // the client went away: nothing left to tell it
            }
        }
    }

    /** The server is stopping: end of input, so the handler finishes what it has and returns. */
    void endInput() {
        inputEnded = true;
        shutdownInputQuietly();
    }

    /** The read deadline passed (on the sweep's thread): the waiting read ends with a timeout. */
    void expireRead() {
        readDeadline = DeadlineSweep.NONE; // expire once
        timedOut = true;
        shutdownInputQuietly();
    }

    /** The earlier of the idle timeout's deadline and the read deadline (clock millis). */
    long deadline(long idleMillis) {
        return Math.min(DeadlineSweep.after(lastActivity, idleMillis), readDeadline);
    }

    private void shutdownInputQuietly() {
        try {
            channel.shutdownInput();
        } catch (IOException e) {
            // closed already: the handler's read has failed or will
        }
    }
}
