package dev.netsvc.echo.async;

import dev.netsvc.core.net.AcceptPath;
import dev.netsvc.core.net.SocketErrors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One echo connection: read, write all of it back, read again. Exactly one operation is in flight at a
 * time, so a client that stops reading leaves a write pending and nothing more is read from it: memory
 * stays at one buffer. The buffer starts small (idle connections are cheap), doubles while reads fill
 * it and the shared {@link dev.netsvc.core.net.BufferBudget} has room, and halves again when reads stay
 * small.
 *
 * <pre>
 *   READING ── n bytes ──▶ WRITING ── all written ──▶ READING
 *      └── end of stream: every byte read has been echoed ──▶ shut down output, close
 * </pre>
 */
final class AsyncEchoConnection {

    private static final CompletionHandler<Integer, AsyncEchoConnection> READ = new CompletionHandler<>() {
        @Override
        public void completed(Integer n, AsyncEchoConnection c) {
            c.onRead(n);
        }

        @Override
        public void failed(Throwable t, AsyncEchoConnection c) {
            c.fail(t);
        }
    };

    private static final CompletionHandler<Integer, AsyncEchoConnection> WRITE = new CompletionHandler<>() {
        @Override
        public void completed(Integer n, AsyncEchoConnection c) {
            c.onWritten();
        }

        @Override
        public void failed(Throwable t, AsyncEchoConnection c) {
            c.fail(t);
        }
    };

    private final AsyncEchoServer server;
    private final AsynchronousSocketChannel channel;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AcceptPath.Ticket ticket;
    private ByteBuffer buffer;
    /** When the connection last made progress, on the service's clock; read by the idle sweep. */
    volatile long lastActivity;

    AsyncEchoConnection(AsyncEchoServer server, AsynchronousSocketChannel channel, long now, AcceptPath.Ticket ticket) {
        this.server = server;
        this.ticket = ticket;
        this.channel = channel;
        this.lastActivity = now;
        this.buffer = ByteBuffer.allocate(server.buffers().initial());
    }

    /** Its admission, released by the server when it closes. */
    AcceptPath.Ticket ticket() {
        return ticket;
    }

    void start() {
        read();
    }

    private void read() {
        buffer.clear();
        try {
            channel.read(buffer, this, READ);
        } catch (RuntimeException e) { // ShutdownChannelGroupException while stopping, for one
            fail(e);
        }
    }

    private void onRead(int n) {
        if (n < 0) {
            endOfInput();
            return;
        }
        lastActivity = server.now();
        server.countEchoed(n);
        buffer.flip();
        write();
    }

    private void write() {
        try {
            channel.write(buffer, this, WRITE);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void onWritten() {
        lastActivity = server.now();
        if (buffer.hasRemaining()) {
            write();
            return;
        }
        resize(buffer.limit());
        read();
    }

    // synchronized with close(), which may run on the idle sweep's thread: the budget gets back exactly
    // what this connection took
    private synchronized void resize(int lastRead) {
        if (closed.get()) {
            return;
        }
        int size = server.buffers().next(buffer.capacity(), lastRead);
        if (size != buffer.capacity()) {
            buffer = ByteBuffer.allocate(size);
        }
    }

    // the client half-closed, and since nothing is read before the last read was echoed, it has
    // everything back: close our side too
    private void endOfInput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            // it went away meanwhile; closing anyway
        }
        close();
    }

    /** The server is stopping: end of input, as if the client had half-closed. */
    void stopInput() {
        try {
            channel.shutdownInput(); // the pending read completes with end of stream
        } catch (IOException e) {
            close();
        }
    }

    private void fail(Throwable t) {
        if (!closed.get() && !(t instanceof AsynchronousCloseException)) {
            if (t instanceof IOException && SocketErrors.isDisconnect(t)) {
                server.log().debug("echo connection ended: {}", t.toString());
            } else {
                server.countFailed();
                server.log().info("echo connection failed: {}", t.toString());
            }
        }
        close();
    }

    /** Closes the socket (a pending operation then fails, quietly); idempotent. */
    void close() {
        if (closed.compareAndSet(false, true)) {
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
}
