package dev.netsvc.core.async;

import dev.netsvc.core.net.AcceptPath;
import dev.netsvc.core.net.BufferBudget;
import dev.netsvc.core.net.DeadlineSweep;
import dev.netsvc.core.net.SocketErrors;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One connection of an {@link AsyncTcpServer}: exactly one read or write in flight at a time. The read
 * buffer starts small (an idle connection is cheap), doubles while reads fill it and the server's
 * {@link BufferBudget} has room, and halves again when reads stay small.
 *
 * <pre>
 *   READING ── n bytes: onInput ──▶ WRITING (what it wrote, in order) ── all written ──▶ READING
 *      └── end of input: onEndOfInput ──▶ WRITING ── all written ──▶ FIN, CLOSED
 *   close(): CLOSED once every write has completed; abort(), an error, idle timeout, stop: CLOSED now
 * </pre>
 * Callbacks run on the channel group's threads, one at a time (the next operation starts only when the
 * last one completed); {@link #closeNow} may also come from the idle sweep or a stop.
 */
final class ChannelConnection implements AsyncConnection {

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

    private final AsyncTcpServer server;
    private final AsynchronousSocketChannel channel;
    private final InetSocketAddress remote;
    private final AcceptPath.Ticket ticket;
    private AsyncHandler handler;
    private ByteBuffer buffer;
    private int lastRead = -1; // none yet: the first read keeps the initial size
    private ByteBuffer writing; // in flight
    private ByteBuffer next; // asked for after it; more than one waits in 'later'
    private ArrayDeque<ByteBuffer> later;
    private boolean closing;
    private boolean inputEnded;
    volatile int closed; // 1 once closed; a field, not an AtomicBoolean, as every idle connection has one
    /** When the connection last made progress, on the service's clock; read by the idle sweep. */
    volatile long lastActivity;

    ChannelConnection(AsyncTcpServer server, AsynchronousSocketChannel channel, InetSocketAddress remote,
                      AcceptPath.Ticket ticket) {
        this.server = server;
        this.channel = channel;
        this.remote = remote;
        this.ticket = ticket;
        this.lastActivity = server.now();
        this.buffer = ByteBuffer.allocate(server.buffers().initial());
    }

    AcceptPath.Ticket ticket() {
        return ticket;
    }

    /** Serves with {@code handler}: the first read. */
    void start(AsyncHandler handler) {
        this.handler = handler;
        read();
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
                handler.onEndOfInput(this);
            } else {
                lastActivity = server.now();
                lastRead = n;
                ticket.received(n);
                handler.onInput(this, buffer.flip());
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
            return;
        }
        writeNext();
    }

    private void onWritten(int n) {
        lastActivity = server.now();
        ticket.sent(n);
        if (!writing.hasRemaining()) {
            writing = null;
        }
        writeNext();
    }

    /** Starts the next write; when none is left, reads again (or closes, when asked or input ended). */
    private void writeNext() {
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
        try {
            channel.shutdownInput(); // a pending read completes with end of input; a later one at once
        } catch (IOException e) {
            closeNow();
        }
    }

    /** The one error path: a client that went away is normal, anything else is counted and logged. */
    private void fail(Throwable t) {
        if (!isClosed() && !(t instanceof AsynchronousCloseException)) {
            server.failed(this, t instanceof IOException && SocketErrors.isDisconnect(t), t);
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

    /** The idle timeout's deadline (clock millis), or none. */
    long deadline(long idleMillis) {
        return DeadlineSweep.after(lastActivity, idleMillis);
    }
}
