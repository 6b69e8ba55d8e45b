package dev.netsvc.core.async;

import dev.netsvc.core.internal.HandshakeFailure;
import dev.netsvc.core.internal.TlsSession;
import dev.netsvc.core.net.AcceptPath;
import dev.netsvc.core.net.BufferBudget;
import dev.netsvc.core.net.DeadlineSweep;
import dev.netsvc.core.net.SocketErrors;
import dev.netsvc.core.tls.TlsPeer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import javax.net.ssl.SSLException;

/**
 * One connection of an {@link AsyncTcpServer}: exactly one read or write in flight at a time. The read
 * buffer starts small (an idle connection is cheap), doubles while reads fill it and the server's
 * {@link BufferBudget} has room, and halves again when reads stay small.
 *
 * <pre>
 *   (PROXY header, TLS handshake) ──▶ READING ── n bytes: onInput ──▶ WRITING (what it wrote, in order) ── all written ──▶ READING
 *      └── end of input: onEndOfInput ──▶ WRITING ── all written ──▶ FIN, CLOSED
 *   close(): CLOSED once every write has completed; abort(), an error, idle timeout, stop: CLOSED now
 * </pre>
 * Before the handler exists, the layers in front of it run on the same reads: the PROXY header (its bytes
 * gathered until it is complete), then the TLS handshake (its messages written like any output), within
 * the preparation deadline the idle sweep also watches. Under TLS the reads bring records, decrypted into
 * the connection's plaintext buffer for the handler; writes encrypt the handler's buffers into the
 * connection's record buffer as they go out, a few records per write; close_notify precedes FIN.
 * Callbacks run on the channel group's threads, one at a time (the next operation starts only when the
 * last one completed); {@link #closeNow} may also come from the idle sweep or a stop.
 */
final class ChannelConnection implements AsyncConnection, TlsSession.Output {

    private static final CompletionHandler<Integer, ChannelConnection> READ = new CompletionHandler<>() {
        @Override
        public void completed(Integer n, ChannelConnection c) {
            c.onRead(n);
        }

        @Override
        public void failed(Throwable t, ChannelConnection c) {
            c.fail(t);
        }
    };

    private static final CompletionHandler<Integer, ChannelConnection> WRITE = new CompletionHandler<>() {
        @Override
        public void completed(Integer n, ChannelConnection c) {
            c.onWritten(n);
        }

        @Override
        public void failed(Throwable t, ChannelConnection c) {
            c.fail(t);
        }
    };

    private static final AtomicIntegerFieldUpdater<ChannelConnection> CLOSED =
            AtomicIntegerFieldUpdater.newUpdater(ChannelConnection.class, "closed");
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final AsyncTcpServer server;
    private final AsynchronousSocketChannel channel;
    private InetSocketAddress remote; // the PROXY header's client once read
    private final AcceptPath.Ticket ticket;
    private final TlsSession tls; // null: plain TCP
    private AsyncHandler.Factory handlers; // until the handler is made
    private AsyncHandler handler;
    private ByteBuffer buffer;
    private int lastRead = -1; // none yet: the first read keeps the initial size
    private ByteBuffer writing; // in flight
    private ByteBuffer next; // asked for after it; more than one waits in 'later'
    private ArrayDeque<ByteBuffer> later;
    private boolean closing;
    private boolean inputEnded;
    private ByteBuffer header; // a PROXY header's bytes so far
    private ByteBuffer plain; // TLS: what the handler is offered
    private ByteBuffer wire; // TLS: records in flight
    private ByteBuffer recordBuffer; // TLS: where the handler's output is encrypted, one record at a time
    private boolean abandoned; // TLS: the handshake failed; its alert goes out, then the close
    private ArrayDeque<ByteBuffer> records; // TLS: records of the session's own (handshake, alerts), sent first
    private boolean notified; // TLS: close_notify queued
    volatile int closed; // 1 once closed; a field, not an AtomicBoolean, as every idle connection has one
    /** When the connection last made progress, on the service's clock; read by the idle sweep. */
    volatile long lastActivity;
    /** By when its PROXY header or TLS handshake must be done (clock millis), or none; read by the sweep. */
    volatile long prepareDeadline = DeadlineSweep.NONE;

    ChannelConnection(AsyncTcpServer server, AsynchronousSocketChannel channel, InetSocketAddress remote,
                      AcceptPath.Ticket ticket, TlsSession tls) {
        this.server = server;
        this.channel = channel;
        this.remote = remote;
        this.ticket = ticket;
        this.tls = tls;
        this.lastActivity = server.now();
        this.buffer = ByteBuffer.allocate(server.buffers().initial());
    }

    AcceptPath.Ticket ticket() {
        return ticket;
    }

    /** Serves with the handler {@code handlers} makes, once the PROXY header and TLS handshake are done. */
    void start(AsyncHandler.Factory handlers) {
        this.handlers = handlers;
        if (ticket.awaitsProxyHeader()) {
            prepareDeadline = server.now() + server.proxyTimeoutMillis();
        } else if (tls != null) {
            prepareDeadline = server.now() + server.tls().handshakeTimeoutMillis();
        } else if (!serve()) {
            return;
        }
        read();
    }

    /** Makes the handler; false when it failed (the connection is closed). */
    private boolean serve() {
        prepareDeadline = DeadlineSweep.NONE;
        try {
            handler = handlers.open(this);
            handlers = null;
            return true;
        } catch (IOException | RuntimeException e) {
            server.failed(this, false, e);
            closeNow();
            return false;
        }
    }

    // ---- the handler's side ------------------------------------------------------------------------

    @Override
    public void write(ByteBuffer data) {
        if (closing || isClosed()) {
            throw new IllegalStateException("cannot write: the connection is " + (closing ? "closing" : "closed"));
        }
        if (!data.hasRemaining()) {
            return;
        }
        if (next == null) {
            next = data;
        } else {
            if (later == null) {
                later = new ArrayDeque<>(4);
            }
            later.add(data);
        }
    }

    @Override
    public void close() {
        closing = true;
    }

    @Override
    public void abort() {
        closeNow();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public Optional<TlsPeer> tls() {
        return tls == null ? Optional.empty() : Optional.ofNullable(tls.peer());
    }

    @Override
    public String toString() {
        return "connection from " + remote;
    }

    // ---- reading and writing -----------------------------------------------------------------------

    private void read() {
        if (lastRead >= 0) {
            resize(lastRead);
        }
        buffer.clear();
        try {
            channel.read(buffer, this, READ);
        } catch (RuntimeException e) { // ShutdownChannelGroupException while stopping, for one
            fail(e);
        }
    }

    private void onRead(int n) {
        try {
            if (n < 0) {
                inputEnded = true;
                if (handler == null) {
                    endedWhilePreparing();
                    return;
                }
                handler.onEndOfInput(this);
            } else {
                lastActivity = server.now();
                lastRead = n;
                ticket.received(n);
                if (handler == null || tls != null) {
                    if (!layered(buffer.flip())) {
                        return;
                    }
                } else {
                    handler.onInput(this, buffer.flip());
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
            return;
        }
        writeNext();
    }

    /**
     * Input through the layers: the PROXY header, then TLS records. False when the connection was refused
     * or its handshake failed (closed), else the writes follow.
     */
    private boolean layered(ByteBuffer input) throws IOException {
        ByteBuffer rest = input;
        if (ticket.awaitsProxyHeader()) {
            rest = proxyHeader(input);
            if (rest == null) {
                return !isClosed();
            }
        }
        if (tls == null) {
            if (handler == null && !serve()) {
                return false;
            }
            if (rest.hasRemaining()) {
                handler.onInput(this, rest);
            }
            return true;
        }
        return decrypt(rest);
    }

    /** What follows the PROXY header in {@code input}, or null when more is needed or it was refused. */
    private ByteBuffer proxyHeader(ByteBuffer input) {
        if (header == null) {
            header = ByteBuffer.allocate(Math.max(256, input.remaining()));
        } else if (header.remaining() < input.remaining()) {
            header = ByteBuffer.allocate(header.position() + input.remaining()).put(header.flip());
        }
        header.put(input);
        ByteBuffer received = header.duplicate().flip();
        if (!ticket.readProxyHeader(received)) {
            return null; // the next read brings more; the deadline bounds the wait
        }
        header = null;
        if (!ticket.isAdmitted()) {
            reset();
            return null;
        }
        remote = ticket.client();
        if (tls != null) {
            prepareDeadline = server.now() + server.tls().handshakeTimeoutMillis();
        }
        return received;
    }

    /** Decrypts records into the plaintext buffer and offers what comes; false when the handshake failed. */
    private boolean decrypt(ByteBuffer records) throws IOException {
        if (plain == null) {
            plain = ByteBuffer.allocate(Math.max(64, tls.packetSize()));
        }
        int n;
        try {
            n = tls.receive(records, plain.clear(), this);
        } catch (SSLException e) {
            if (handler == null) {
                server.log().debug("{}: TLS handshake failed: {}", this, e.getMessage());
                abandoned = true; // counted by reason as a failed handshake; its alert goes out first
                return true;
            }
            throw e;
        }
        if (handler == null && tls.isOpen() && !serve()) {
            return false;
        }
        if (n < 0) {
            inputEnded = true;
            handler.onEndOfInput(this);
        } else if (n > 0) {
            handler.onInput(this, plain.flip());
        }
        return true;
    }

    private void endedWhilePreparing() {
        if (ticket.awaitsProxyHeader()) {
            ticket.refuse("closed");
        } else {
            tls.abandoned(HandshakeFailure.CLOSED);
        }
        closeNow();
    }

    private void onWritten(int n) {
        lastActivity = server.now();
        ticket.sent(n);
        if (tls != null) {
            writeNext();
            return;
        }
        if (!writing.hasRemaining()) {
            writing = null;
        }
        writeNext();
    }

    /** Starts the next write; when none is left, reads again (or closes, when asked or input ended). */
    private void writeNext() {
        if (tls != null) {
            writeRecords();
            return;
        }
        if (writing == null) {
            writing = next;
            next = later == null ? null : later.poll();
        }
        if (writing != null) {
            try {
                channel.write(writing, this, WRITE);
            } catch (RuntimeException e) {
                fail(e);
            }
        } else if (closing || inputEnded) {
            closeAfterOutput();
        } else {
            read();
        }
    }

    /**
     * Under TLS, the next write: records in flight first, then the session's own, then the handler's
     * next buffer encrypted; when none is left, plaintext the session still holds is offered, or the next
     * read starts (or close_notify and the close).
     */
    private void writeRecords() {
        try {
            for (int turns = 0; turns < 1024 && !isClosed(); turns++) {
                if (wire == null || !wire.hasRemaining()) {
                    wire = records == null ? null : records.poll();
                }
                if (wire == null && (writing != null || next != null)) {
                    if (writing == null) {
                        writing = next;
                        next = later == null ? null : later.poll();
                    }
                    if (recordBuffer == null) {
                        recordBuffer = ByteBuffer.allocate(tls.packetSize());
                    }
                    ByteBuffer out = recordBuffer.clear(); // nothing is in flight: it is free
                    tls.wrap(writing, out, this);
                    if (!writing.hasRemaining()) {
                        writing = null;
                    }
                    wire = out.flip();
                }
                if (wire != null && wire.hasRemaining()) {
                    channel.write(wire, this, WRITE);
                    return;
                }
                if (handler == null) {
                    if (abandoned) {
                        closeNow();
                    } else {
                        read(); // the handshake goes on
                    }
                    return;
                }
                if (closing || inputEnded) {
                    if (!notified) {
                        notified = true;
                        tls.close(this); // close_notify: written, then FIN
                        continue;
                    }
                    closeAfterOutput();
                    return;
                }
                if (!tls.hasPlaintext()) {
                    read();
                    return;
                }
                int n = tls.receive(NOTHING, plain.clear(), this); // more than the last offer held
                if (n < 0) {
                    inputEnded = true;
                    handler.onEndOfInput(this);
                } else if (n > 0) {
                    handler.onInput(this, plain.flip());
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    // ---- TLS output of the session's own: queued before the handler's -----------------------------

    @Override
    public ByteBuffer buffer() {
        return ByteBuffer.allocate(tls.packetSize());
    }

    @Override
    public void send(ByteBuffer sessionRecords) {
        if (records == null) {
            records = new ArrayDeque<>(2);
        }
        records.add(sessionRecords);
    }

    // synchronized with closeNow(), which may run on the sweep's thread: the budget gets back exactly
    // what this connection took
    private synchronized void resize(int read) {
        if (isClosed()) {
            return;
        }
        int size = server.buffers().next(buffer.capacity(), read);
        if (size != buffer.capacity()) {
            buffer = ByteBuffer.allocate(size);
        }
    }

    // ---- closing -----------------------------------------------------------------------------------

    /** Everything written: FIN, then close. */
    private void closeAfterOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            // it went away meanwhile; closing anyway
        }
        closeNow();
    }

    /** The server is stopping: end of input, as if the client had half-closed. */
    void endInput() {
        if (handler == null) {
            closeNow(); // not served yet: nothing to finish
            return;
        }
        try {
            channel.shutdownInput(); // a pending read completes with end of input; a later one at once
        } catch (IOException e) {
            closeNow();
        }
    }

    /** The sweep saw a deadline pass: the preparation's (refused or abandoned), or the idle timeout's. */
    boolean expire() {
        if (isClosed()) {
            return false;
        }
        if (prepareDeadline <= server.now() && handler == null) {
            if (ticket.awaitsProxyHeader()) {
                ticket.refuse("timeout");
                reset();
            } else {
                tls.abandoned(HandshakeFailure.TIMEOUT);
                closeNow();
            }
            return false;
        }
        closeNow();
        return true;
    }

    /** The one error path: a client that went away is normal, anything else is counted and logged. */
    private void fail(Throwable t) {
        if (!isClosed() && !(t instanceof AsynchronousCloseException)) {
            server.failed(this, t instanceof IOException && SocketErrors.isDisconnect(t), t);
        }
        closeNow();
    }

    /** Closes with a reset: a refused client learns at once, and no TIME_WAIT stays here. */
    private void reset() {
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
        closeNow();
    }

    /** Closes the socket (an operation in flight then fails, quietly); idempotent. */
    void closeNow() {
        if (CLOSED.compareAndSet(this, 0, 1)) {
            synchronized (this) {
                server.buffers().release(buffer.capacity());
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // closed either way
            }
            server.closed(this);
        }
    }

    boolean isClosed() {
        return closed != 0;
    }

    /** The earlier of the idle timeout's deadline and the preparation's (clock millis), or none. */
    long deadline(long idleMillis) {
        return Math.min(DeadlineSweep.after(lastActivity, idleMillis), prepareDeadline);
    }
}
