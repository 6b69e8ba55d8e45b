package dev.netsvc.testkit;

import dev.netsvc.core.frame.FrameException;
import dev.netsvc.core.nio.CloseReason;
import dev.netsvc.core.nio.Connection;
import dev.netsvc.core.nio.ConnectionHandler;
import dev.netsvc.core.nio.NioOptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link Connection} in memory, to unit-test a {@link ConnectionHandler} without sockets or threads
 * (Netty's {@code EmbeddedChannel} idea). The test plays the peer and the event loop: it feeds input,
 * ends it (the peer's half-close), and reads what the handler wrote; every callback runs on the test's
 * thread, in the order {@link dev.netsvc.core.nio.NioTcpServer} would make it.
 * <pre>{@code
 * EmbeddedConnection c = EmbeddedConnection.of((connection, input) -> connection.write(input));
 * c.feed("hello");
 * assertEquals("hello", c.readOutput());
 * c.endInput();                                   // the default onEndOfInput closes
 * assertEquals(Optional.of(CloseReason.COMPLETED), c.closeReason());
 * }</pre>
 * Like the real server, it offers at most {@code readBufferSize} bytes at once (carrying over what the
 * handler leaves), closes with {@link CloseReason#INPUT_LIMIT} when a full buffer is left unconsumed,
 * closes with {@link CloseReason#FAILED} when a callback throws ({@link #failure()} keeps the
 * exception), and, for a {@link FrameException} (a framed handler's input that is too long or cannot be
 * framed), with {@link CloseReason#INPUT_LIMIT} or {@link CloseReason#MALFORMED}. {@link #holdOutput()} plays a peer that stops reading, so backpressure and
 * {@link ConnectionHandler#onOutputDrained} can be tested. Not thread-safe except {@link #execute}.
 */
public final class EmbeddedConnection implements Connection {

    private enum State { OPEN, CLOSING, CLOSED }

    private static final int MAX_TASK_ROUNDS = 10_000;

    private final int readBufferSize;
    private final InetSocketAddress remote;
    private ConnectionHandler handler;
    private State state = State.OPEN;
    private CloseReason reason;
    private Throwable failure;

    private final ByteArrayOutputStream delivered = new ByteArrayOutputStream();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean outputHeld;
    private boolean transferWaiting; // a transferFrom found the peer not reading: drained event owed
    private boolean shutdownRequested;
    private boolean outputShut;

    private final Queue<byte[]> unread = new ArrayDeque<>();
    private ByteBuffer carry;
    private boolean inputSuspended;
    private boolean inputEnded;
    private final Queue<Callback> tasks = new ConcurrentLinkedQueue<>();

    private EmbeddedConnection(int readBufferSize, InetSocketAddress remote) {
        this.readBufferSize = readBufferSize;
        this.remote = remote;
    }

    /** A connection served by {@code handler}, with the server's default read buffer size. */
    public static EmbeddedConnection of(ConnectionHandler handler) {
        return open(connection -> handler, NioOptions.defaults().readBufferSize());
    }

    /**
     * A connection whose handler {@code factory} makes, as the server does on accept, with the server's
     * default read buffer size: how a handler built by core ({@code Replies.selector}, {@code Framed.selector})
     * is tested.
     */
    public static EmbeddedConnection open(ConnectionHandler.Factory factory) {
        return open(factory, NioOptions.defaults().readBufferSize());
    }

    /** A connection whose handler {@code factory} makes, as the server does on accept. */
    public static EmbeddedConnection open(ConnectionHandler.Factory factory, int readBufferSize) {
        if (readBufferSize < 1) {
            throw new IllegalArgumentException("readBufferSize must be positive, was " + readBufferSize);
        }
        EmbeddedConnection connection = new EmbeddedConnection(readBufferSize,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000));
        try {
            connection.handler = factory.open(connection);
        } catch (IOException | RuntimeException e) {
            connection.failure = e;
            connection.state = State.CLOSED;
            connection.reason = CloseReason.FAILED;
        }
        return connection;
    }

    // ---- the test's side: the peer and the event loop ----------------------------------------------

    /** The peer sends {@code bytes}; they are offered now, or when input resumes. */
    public EmbeddedConnection feed(byte[] bytes) {
        if (inputEnded) {
            throw new IllegalStateException("input already ended");
        }
        if (state != State.CLOSED && bytes.length > 0) {
            unread.add(bytes.clone());
            offerUnread();
        }
        runPendingTasks();
        return this;
    }

    /** The peer sends {@code text} in UTF-8. */
    public EmbeddedConnection feed(String text) {
        return feed(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The peer shuts down its output (half-close): {@link ConnectionHandler#onEndOfInput} once input is taken. */
    public EmbeddedConnection endInput() {
        if (!inputEnded) {
            inputEnded = true;
            if (state == State.OPEN && unread.isEmpty() && !inputSuspended) {
                callback(() -> handler.onEndOfInput(this));
            }
        }
        runPendingTasks();
        return this;
    }

    /** What the peer has received since the last call, as UTF-8 text. */
    public String readOutput() {
        return new String(readOutputBytes(), StandardCharsets.UTF_8);
    }

    /** What the peer has received since the last call. */
    public byte[] readOutputBytes() {
        byte[] bytes = delivered.toByteArray();
        delivered.reset();
        return bytes;
    }

    /** The peer stops reading: from now on output stays pending (see {@link #pendingOutput()}). */
    public EmbeddedConnection holdOutput() {
        outputHeld = true;
        return this;
    }

    /** The peer reads again: pending output is delivered and {@link ConnectionHandler#onOutputDrained} runs. */
    public EmbeddedConnection releaseOutput() {
        outputHeld = false;
        if (pending.size() > 0 || transferWaiting) {
            delivered.writeBytes(pending.toByteArray());
            pending.reset();
            transferWaiting = false;
            afterDrain();
        }
        runPendingTasks();
        return this;
    }

    /** Runs the tasks given to {@link #execute} (from any thread) so far, as the event loop would. */
    public EmbeddedConnection runPendingTasks() {
        Callback task;
        for (int round = 0; round < MAX_TASK_ROUNDS && (task = tasks.poll()) != null; round++) {
            if (state != State.CLOSED) {
                callback(task);
            }
        }
        return this;
    }

    /** Whether the handler shut down output and it was all delivered: the peer saw FIN. */
    public boolean outputShutdown() {
        return outputShut;
    }

    /** Why the connection closed, or empty while it is open or closing. */
    public Optional<CloseReason> closeReason() {
        return Optional.ofNullable(reason);
    }

    /** What a callback threw, which closed the connection ({@link CloseReason#FAILED} and the others); empty if none. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Whether the handler has suspended input. */
    public boolean inputSuspended() {
        return inputSuspended;
    }

    // ---- Connection: what the handler may do ----------------------------------------------------------

    @Override
    public void write(ByteBuffer data) {
        if (state != State.OPEN || shutdownRequested) {
            throw new IllegalStateException("output is shut down or the connection is closing");
        }
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        (outputHeld ? pending : delivered).writeBytes(bytes);
    }

    /**
     * Reads the file region and delivers it, as sendfile would. While output is held (or pending), the
     * peer takes nothing: 0 is returned and {@link ConnectionHandler#onOutputDrained} follows on
     * {@link #releaseOutput()}.
     */
    @Override
    public long transferFrom(java.nio.channels.FileChannel file, long position, long count) throws java.io.IOException {
        if (state != State.OPEN || shutdownRequested) {
            throw new IllegalStateException("output is shut down or the connection is closing");
        }
        if (outputHeld || pending.size() > 0) {
            transferWaiting = true;
            return 0;
        }
        ByteBuffer region = ByteBuffer.allocate((int) Math.min(count, 1 << 20));
        int n = file.read(region, position);
        if (n <= 0) {
            return 0;
        }
        delivered.write(region.array(), 0, n);
        return n;
    }

    @Override
    public void write(ByteBuffer... data) {
        for (ByteBuffer buffer : data) {
            write(buffer);
        }
    }

    @Override
    public int pendingOutput() {
        return pending.size();
    }

    @Override
    public void suspendInput() {
        inputSuspended = true;
    }

    @Override
    public void resumeInput() {
        if (inputSuspended) {
            inputSuspended = false;
            // like the server, offer held input later, never inside the callback that resumed
            tasks.add(() -> {
                offerUnread();
                if (inputEnded && unread.isEmpty() && !inputSuspended && state == State.OPEN) {
                    handler.onEndOfInput(this);
                }
            });
        }
    }

    @Override
    public void shutdownOutput() {
        shutdownRequested = true;
        if (pending.size() == 0) {
            outputShut = true;
        }
    }

    @Override
    public void close() {
        if (state != State.OPEN) {
            return;
        }
        if (pending.size() > 0) {
            state = State.CLOSING;
        } else {
            finishClose(CloseReason.COMPLETED);
        }
    }

    @Override
    public void abort() {
        pending.reset();
        finishClose(CloseReason.ABORTED);
    }

    @Override
    public boolean isOpen() {
        return state == State.OPEN;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task::run);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    // ---- the event loop's part ------------------------------------------------------------------------

    private void offerUnread() {
        while (state == State.OPEN && !inputSuspended && !unread.isEmpty()) {
            ByteBuffer input = ByteBuffer.allocate(readBufferSize);
            if (carry != null) {
                input.put(carry);
                carry = null;
            }
            while (input.hasRemaining() && !unread.isEmpty()) {
                byte[] next = unread.peek();
                int n = Math.min(next.length, input.remaining());
                input.put(next, 0, n);
                unread.poll();
                if (n < next.length) {
                    byte[] rest = new byte[next.length - n];
                    System.arraycopy(next, n, rest, 0, rest.length);
                    ((ArrayDeque<byte[]>) unread).addFirst(rest);
                }
            }
            input.flip();
            callback(() -> handler.onInput(this, input));
            if (state == State.OPEN && input.hasRemaining()) {
                if (input.remaining() == readBufferSize) {
                    finishClose(CloseReason.INPUT_LIMIT);
                    return;
                }
                carry = ByteBuffer.allocate(input.remaining()).put(input).flip();
            }
        }
    }

    private void afterDrain() {
        if (state == State.CLOSING) {
            finishClose(CloseReason.COMPLETED);
            return;
        }
        if (shutdownRequested) {
            outputShut = true;
        }
        if (state == State.OPEN) {
            callback(() -> handler.onOutputDrained(this));
        }
    }

    private interface Callback {
        void run() throws IOException;
    }

    private void callback(Callback callback) {
        try {
            callback.run();
        } catch (FrameException e) {
            failure = e;
            pending.reset();
            finishClose(e.reason() == FrameException.Reason.TOO_LONG ? CloseReason.INPUT_LIMIT : CloseReason.MALFORMED);
        } catch (IOException | RuntimeException e) {
            failure = e;
            pending.reset();
            finishClose(CloseReason.FAILED);
        }
    }

    private void finishClose(CloseReason why) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        reason = why;
        pending.reset();
        unread.clear();
        carry = null;
        try {
            handler.onClosed(this, why);
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }
}
