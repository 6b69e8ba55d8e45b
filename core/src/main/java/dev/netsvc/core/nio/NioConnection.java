package dev.netsvc.core.nio;

import dev.netsvc.core.frame.FrameException;
import dev.netsvc.core.internal.TcpCork;

import dev.netsvc.core.net.AcceptPath;
import dev.netsvc.core.net.SocketErrors;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One connection on an event loop: its socket, its handler, output waiting for the peer and input the
 * handler has not consumed yet. Everything here runs on the loop thread.
 *
 * <pre>
 *   OPEN ── close() ──▶ CLOSING ── output written, input ended ──────────────▶ CLOSED
 *     │                    └────── output written, peer still sending ─▶ LINGERING ── peer EOF / idle ──▶ CLOSED
 *     └── abort(), error, idle timeout, input limit, server stop ───────────────────────────────────────▶ CLOSED
 * </pre>
 * In OPEN the handler is offered input (unless it suspended input, the peer ended it, or backpressure
 * holds it) and may write; in CLOSING only pending output moves; in LINGERING output is shut down and
 * input is read and discarded, so a peer still sending gets a clean close instead of a reset.
 */
final class NioConnection implements Connection {

    enum State { OPEN, CLOSING, LINGERING, CLOSED }

    private static final int INPUT_ENDED = 1;
    private static final int INPUT_SUSPENDED = 1 << 1;
    private static final int BACKPRESSURE = 1 << 2;
    private static final int SHUTDOWN_REQUESTED = 1 << 3;
    private static final int OUTPUT_SHUT = 1 << 4;
    /** A file transfer found the socket full: tell the handler when it can take more. */
    private static final int TRANSFER_WAITING = 1 << 5;

    /** A burst of input is read in at most this many reads before other connections get their turn. */
    private static final int MAX_READS_PER_EVENT = 16;

    private final EventLoop loop;
    private final SocketChannel channel;
    private final InetSocketAddress remote;
    private final AcceptPath.Ticket ticket;
    private SelectionKey key;
    private ConnectionHandler handler;
    private State state = State.OPEN;
    private int flags;
    private int interest;
    private PendingOutput pending;
    private ByteBuffer carry; // input offered but not consumed, read mode

    // owned by ConnectionList
    NioConnection prev;
    NioConnection next;
    boolean listed;
    long lastActivity;

    NioConnection(EventLoop loop, SocketChannel channel, InetSocketAddress remote, AcceptPath.Ticket ticket) {
        this.loop = loop;
        this.channel = channel;
        this.remote = remote;
        this.ticket = ticket;
    }

    /** Its admission, released when it closes. */
    AcceptPath.Ticket ticket() {
        return ticket;
    }

    void registered(SelectionKey key) {
        this.key = key;
        this.interest = key.interestOps();
    }

    void serveWith(ConnectionHandler handler) {
        this.handler = handler;
    }

    State state() {
        return state;
    }

    // ---- events from the loop --------------------------------------------------------------------

    /** The selector says the socket is ready; never throws (a failure closes this connection only). */
    void onReady(int readyOps) {
        try {
            if ((readyOps & SelectionKey.OP_WRITE) != 0) {
                flushPending();
            }
            if ((readyOps & SelectionKey.OP_READ) != 0 && (interest & SelectionKey.OP_READ) != 0) {
                readInput();
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    /** The server is stopping: treat it as the end of input, so the handler finishes what it has. */
    void onStop() {
        if (state == State.OPEN && (flags & INPUT_ENDED) == 0) {
            try {
                // what has arrived already is the client's and gets served: a request accepted just
                // before the stop sits unread in the socket when the loop had not come to it yet
                if ((interest & SelectionKey.OP_READ) != 0) {
                    readInput();
                }
                if (state != State.OPEN || (flags & INPUT_ENDED) != 0) {
                    return;
                }
                channel.shutdownInput();
                endOfInput();
            } catch (Throwable t) {
                fail(t);
            }
        }
    }

    /** No progress for the idle timeout: an open connection timed out, a lingering one is done. */
    void onIdle() {
        closeNow(state == State.LINGERING ? CloseReason.COMPLETED : CloseReason.IDLE_TIMEOUT);
    }

    /** Runs the handler's work, closing this connection if it throws. */
    void run(Runnable work) {
        if (state == State.CLOSED) {
            return;
        }
        try {
            work.run();
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void readInput() throws IOException {
        ByteBuffer buffer = loop.readBuffer();
        for (int reads = 0; reads < MAX_READS_PER_EVENT; reads++) {
            buffer.clear();
            if (carry != null) {
                buffer.put(carry.duplicate());
            }
            int room = buffer.remaining();
            int n = channel.read(buffer);
            if (n < 0) {
                carry = null;
                endOfInput();
                return;
            }
            if (n == 0) {
                return;
            }
            ticket.received(n);
            if (state == State.LINGERING) {
                if (n < room) {
                    return; // discarded; lingering input does not count as activity
                }
                continue;
            }
            loop.touch(this);
            offer(buffer.flip());
            if ((interest & SelectionKey.OP_READ) == 0 || n < room) {
                return; // closing, input paused, or the socket had no more for now
            }
        }
    }

    /** Hands {@code input} (carried bytes first) to the handler and keeps what it leaves. */
    private void offer(ByteBuffer input) throws IOException {
        carry = null;
        handler.onInput(this, input);
        if (state == State.OPEN && input.hasRemaining()) {
            if (input.remaining() == input.capacity()) {
                closeNow(CloseReason.INPUT_LIMIT);
                return;
            }
            carry = ByteBuffer.allocate(input.remaining()).put(input).flip();
        }
    }

    /**
     * Input was paused with unconsumed bytes kept (a pipelined request, say): offer them again now that
     * input flows, without waiting for the peer to send more. Runs as a task, never inside a callback.
     */
    private void offerCarryLater() {
        if (carry != null) {
            loop.execute(() -> run(() -> {
                if (carry != null && (interest & SelectionKey.OP_READ) != 0) {
                    ByteBuffer buffer = loop.readBuffer().clear();
                    buffer.put(carry.duplicate());
                    try {
                        offer(buffer.flip());
                    } catch (IOException e) {
                        fail(e);
                    }
                }
            }));
        }
    }

    private void endOfInput() throws IOException {
        flags |= INPUT_ENDED;
        if (state == State.LINGERING) {
            closeNow(CloseReason.COMPLETED);
            return;
        }
        updateInterest();
        if (state == State.OPEN) {
            handler.onEndOfInput(this);
        }
    }

    private void flushPending() throws IOException {
        if (pending == null) {
            boolean transferWaiting = (flags & TRANSFER_WAITING) != 0;
            flags &= ~TRANSFER_WAITING;
            updateInterest();
            if (transferWaiting && state == State.OPEN) {
                handler.onOutputDrained(this);
            }
            return;
        }
        int written = pending.writeTo(channel);
        if (written > 0) {
            ticket.sent(written);
            loop.touch(this);
        }
        if (!pending.isEmpty()) {
            return;
        }
        pending = null;
        boolean wasHeldBack = (flags & BACKPRESSURE) != 0;
        flags &= ~BACKPRESSURE;
        if (state == State.CLOSING) {
            finishClose();
            return;
        }
        if ((flags & (SHUTDOWN_REQUESTED | OUTPUT_SHUT)) == SHUTDOWN_REQUESTED) {
            shutdownOutputNow();
        }
        updateInterest();
        if (state == State.OPEN) {
            if (wasHeldBack) {
                offerCarryLater();
            }
            handler.onOutputDrained(this);
        }
    }

    // ---- what the handler may do -----------------------------------------------------------------

    @Override
    public void write(ByteBuffer data) throws IOException {
        checkWritable();
        if (pending == null) {
            ticket.sent(channel.write(data));
            if (!data.hasRemaining()) {
                loop.touch(this);
                return;
            }
        }
        queue(data);
    }

    @Override
    public void write(ByteBuffer... data) throws IOException {
        checkWritable();
        if (data.length == 0) {
            return;
        }
        if (pending == null) {
            long written = channel.write(data);
            if (written > 0) {
                ticket.sent(written);
                loop.touch(this);
            }
            // complete only when every buffer is: the last one may be empty while an earlier one was cut short
            if (allWritten(data)) {
                return;
            }
        }
        for (ByteBuffer b : data) {
            queue(b);
        }
    }

    @Override
    public long transferFrom(FileChannel file, long position, long count) throws IOException {
        checkWritable();
        if (pending != null) {
            return 0; // what waits goes first; onOutputDrained follows
        }
        long n = TcpCork.transferTo(file, position, count, channel);
        if (n > 0) {
            ticket.sent(n);
            loop.touch(this);
        }
        if (n < count) {
            flags |= TRANSFER_WAITING;
            updateInterest();
        }
        return n;
    }

    private static boolean allWritten(ByteBuffer[] data) {
        for (ByteBuffer b : data) {
            if (b.hasRemaining()) {
                return false;
            }
        }
        return true;
    }

    private void queue(ByteBuffer data) {
        if (!data.hasRemaining()) {
            return;
        }
        if (pending == null) {
            pending = new PendingOutput(data.remaining());
        }
        pending.append(data);
        if (pending.size() >= loop.maxPendingOutput() && (flags & BACKPRESSURE) == 0) {
            flags |= BACKPRESSURE;
            loop.countBackpressure();
        }
        updateInterest();
    }

    @Override
    public int pendingOutput() {
        return pending == null ? 0 : pending.size();
    }

    @Override
    public void suspendInput() {
        checkLoopThread();
        flags |= INPUT_SUSPENDED;
        updateInterest();
    }

    @Override
    public void resumeInput() {
        checkLoopThread();
        if ((flags & INPUT_SUSPENDED) != 0) {
            flags &= ~INPUT_SUSPENDED;
            updateInterest();
            offerCarryLater();
        }
    }

    @Override
    public void shutdownOutput() {
        checkLoopThread();
        if (state != State.OPEN || (flags & SHUTDOWN_REQUESTED) != 0) {
            return;
        }
        flags |= SHUTDOWN_REQUESTED;
        if (pending == null) {
            shutdownOutputNow();
        }
    }

    @Override
    public void close() {
        checkLoopThread();
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSING;
        carry = null;
        if (pending == null) {
            finishClose();
        } else {
            updateInterest();
        }
    }

    @Override
    public void abort() {
        checkLoopThread();
        closeNow(CloseReason.ABORTED);
    }

    @Override
    public boolean isOpen() {
        return state == State.OPEN;
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(() -> run(task));
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public String toString() {
        return "connection from " + remote + " (" + state + ")";
    }

    // ---- closing ---------------------------------------------------------------------------------

    private void finishClose() {
        if ((flags & INPUT_ENDED) != 0) {
            closeNow(CloseReason.COMPLETED);
            return;
        }
        // the peer may still be sending: closing now would answer it with a reset that can destroy the
        // output it has not read yet, so shut down output and drain its input first
        if ((flags & OUTPUT_SHUT) == 0) {
            try {
                channel.shutdownOutput();
            } catch (IOException e) {
                closeNow(CloseReason.DISCONNECTED);
                return;
            }
            flags |= OUTPUT_SHUT;
        }
        state = State.LINGERING;
        loop.touch(this);
        updateInterest();
    }

    private void shutdownOutputNow() {
        try {
            channel.shutdownOutput();
            flags |= OUTPUT_SHUT;
        } catch (IOException e) {
            fail(e);
        }
    }

    /** Closes the socket at once; idempotent. */
    void closeNow(CloseReason reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        pending = null;
        carry = null;
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway; nothing more to do
        }
        loop.closed(this, reason);
        if (handler != null) {
            try {
                handler.onClosed(this, reason);
            } catch (Throwable t) {
                loop.log().error("handler failed while closing {}", this, t);
            }
        }
    }

    /** The one error path: a peer that went away is normal, anything else is logged loudly. */
    void fail(Throwable t) {
        if (state == State.CLOSED) {
            return;
        }
        if (t instanceof FrameException e) { // the client's input, not our failure: said quietly
            loop.log().debug("closing {}: {}", this, e.getMessage());
            closeNow(e.reason() == FrameException.Reason.TOO_LONG ? CloseReason.INPUT_LIMIT : CloseReason.MALFORMED);
        } else if (t instanceof IOException && SocketErrors.isDisconnect(t)) {
            loop.log().debug("{}: {}", this, t.toString());
            closeNow(CloseReason.DISCONNECTED);
        } else if (t instanceof IOException) {
            loop.log().info("{} failed: {}", this, t.toString());
            ticket.failed(t.toString());
            closeNow(CloseReason.FAILED);
        } else {
            loop.log().error("handler failed on {}", this, t);
            ticket.failed("the handler failed: " + t);
            closeNow(CloseReason.FAILED);
        }
    }

    // ---- plumbing --------------------------------------------------------------------------------

    private void updateInterest() {
        if (state == State.CLOSED) {
            return;
        }
        int want = 0;
        if (state == State.LINGERING
                || (state == State.OPEN && (flags & (INPUT_ENDED | INPUT_SUSPENDED | BACKPRESSURE)) == 0)) {
            want = SelectionKey.OP_READ;
        }
        if (pending != null || (flags & TRANSFER_WAITING) != 0) {
            want |= SelectionKey.OP_WRITE;
        }
        if (want != interest) {
            key.interestOps(want);
            interest = want;
        }
    }

    private void checkWritable() {
        checkLoopThread();
        if (state != State.OPEN || (flags & SHUTDOWN_REQUESTED) != 0) {
            throw new IllegalStateException("cannot write: " + (state == State.OPEN ? "output was shut down" : "connection is " + state));
        }
    }

    private void checkLoopThread() {
        if (!loop.inLoop()) {
            throw new IllegalStateException("a connection is used only from its event loop; use Connection.execute");
        }
    }
}
