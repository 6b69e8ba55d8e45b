package dev.netsvc.core.nio;

import dev.netsvc.core.internal.HandshakeFailure;
import dev.netsvc.core.frame.FrameException;
import dev.netsvc.core.internal.TcpCork;
import dev.netsvc.core.internal.TlsSession;
import dev.netsvc.core.net.AcceptPath;
import dev.netsvc.core.net.SocketErrors;
import dev.netsvc.core.tls.TlsPeer;
import dev.netsvc.core.internal.HandlerFailures;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Optional;

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
 *
 * <p>Before the handler exists, the layers in front of it run on the same events: the PROXY header (when
 * the ticket awaits one: the raw bytes are kept in {@code carry} until it is complete) and then the TLS
 * handshake, under the server's preparation deadline. Under TLS, input is decrypted from the loop's read
 * buffer into its plaintext buffer and offered from there; output is encrypted into the loop's record
 * buffer and written, what the socket refuses waiting in the pending output as records; close_notify
 * goes out before a graceful close or a half-close.
 */
final class NioConnection implements Connection, TlsSession.Output {

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

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final EventLoop loop;
    private final SocketChannel channel;
    private InetSocketAddress remote; // the PROXY header's client once read
    private final AcceptPath.Ticket ticket;
    private final TlsSession tls; // null: plain TCP
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
    /** By when the PROXY header or the TLS handshake must be done (clock millis), while preparing; read by the sweep. */
    volatile long prepareDeadline = Long.MAX_VALUE;

    NioConnection(EventLoop loop, SocketChannel channel, InetSocketAddress remote, AcceptPath.Ticket ticket, TlsSession tls) {
        this.loop = loop;
        this.channel = channel;
        this.remote = remote;
        this.ticket = ticket;
        this.tls = tls;
    }

    boolean ticketAwaitsProxyHeader() {
        return ticket.awaitsProxyHeader();
    }

    /** Whether a PROXY header or a TLS handshake comes before the handler. */
    boolean needsPreparing() {
        return ticket.awaitsProxyHeader() || tls != null;
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
                if (tls == null && handler != null) {
                    readInput();
                } else {
                    readLayered();
                }
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    /** The server is stopping: treat it as the end of input, so the handler finishes what it has. */
    void onStop() {
        if (handler == null) {
            closeNow(CloseReason.STOPPED); // not served yet: nothing to finish
            return;
        }
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
        if (handler == null && state != State.CLOSED && needsPreparing()) {
            onPrepareExpired(); // idle before it was served: its header or handshake came too late
            return;
        }
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
        if (tls != null && handler != null) {
            // plaintext may also wait in the TLS session, and records it has not decrypted yet
            loop.execute(() -> run(() -> {
                if (state == State.OPEN && (interest & SelectionKey.OP_READ) != 0) {
                    try {
                        decrypt(NOTHING, true);
                    } catch (IOException e) {
                        fail(e);
                    }
                }
            }));
            return;
        }
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

    // ---- the layers in front of the handler: PROXY header, TLS ------------------------------------------

    /** Input under TLS, or before the handler exists; the plain path is {@link #readInput}. */
    private void readLayered() throws IOException {
        ByteBuffer buffer = loop.readBuffer();
        for (int reads = 0; reads < MAX_READS_PER_EVENT; reads++) {
            buffer.clear();
            if (handler == null && carry != null) {
                buffer.put(carry.duplicate()); // a PROXY header's first part
            }
            int room = buffer.remaining();
            int n = channel.read(buffer);
            if (n < 0) {
                layeredEndOfInput();
                return;
            }
            if (n == 0) {
                return;
            }
            if (state == State.LINGERING) {
                if (n < room) {
                    return;
                }
                continue;
            }
            loop.touch(this);
            buffer.flip();
            if (ticket.awaitsProxyHeader() && !proxyHeader(buffer)) {
                return; // more of it to come, or refused
            }
            if (tls == null) {
                if (handler == null) {
                    serve();
                }
                if (buffer.hasRemaining()) {
                    offer(buffer);
                }
            } else {
                decrypt(buffer, false);
            }
            if (state != State.OPEN || (interest & SelectionKey.OP_READ) == 0 || n < room) {
                return;
            }
        }
    }

    /** The PROXY header from {@code input}: true once admitted ({@code input} past it), false for more or refused. */
    private boolean proxyHeader(ByteBuffer input) {
        carry = null;
        if (!ticket.readProxyHeader(input)) {
            if (input.remaining() >= input.capacity()) {
                ticket.refuse("malformed"); // the read buffer cannot hold it
                reset();
                return false;
            }
            carry = ByteBuffer.allocate(input.remaining()).put(input).flip();
            return false;
        }
        if (!ticket.isAdmitted()) {
            reset();
            return false;
        }
        remote = ticket.client();
        if (tls != null) {
            loop.preparing(this, true);
        }
        return true;
    }

    /**
     * Decrypts {@code records} into the loop's plaintext buffer and offers what comes, as long as plaintext
     * waits; the handler starts once the handshake completes. {@code offerCarry}: offer what the handler
     * left unconsumed even when nothing new comes (input resumed).
     */
    private void decrypt(ByteBuffer records, boolean offerCarry) throws IOException {
        ByteBuffer input = records;
        boolean again = offerCarry;
        do {
            ByteBuffer plain = loop.plainBuffer().clear();
            if (carry != null && handler != null) {
                plain.put(carry.duplicate());
            }
            int n;
            try {
                n = tls.receive(input, plain, this);
            } catch (javax.net.ssl.SSLException e) {
                if (handler == null) {
                    loop.log().debug("{}: TLS handshake failed: {}", this, e.getMessage());
                    closeNow(CloseReason.ABORTED); // counted by reason as a failed handshake
                    return;
                }
                throw e;
            }
            input = NOTHING;
            if (state == State.CLOSED) {
                return;
            }
            if (handler == null && tls.isOpen()) {
                serve();
            }
            if (n < 0) {
                endOfInput();
                return;
            }
            if ((n > 0 || again && plain.position() > 0) && handler != null && state == State.OPEN) {
                offer(plain.flip());
            }
            again = false;
        } while (state == State.OPEN && tls.hasPlaintext() && (interest & SelectionKey.OP_READ) != 0);
    }

    /** The preparations are over: the handler starts. */
    private void serve() throws IOException {
        loop.preparing(this, false);
        handler = loop.handlers().open(this);
    }

    private void layeredEndOfInput() throws IOException {
        if (ticket.awaitsProxyHeader()) {
            ticket.refuse("closed");
            closeNow(CloseReason.ABORTED);
        } else if (handler == null) {
            tls.abandoned(HandshakeFailure.CLOSED);
            closeNow(CloseReason.ABORTED);
        } else {
            carry = null;
            endOfInput();
        }
    }

    /** The sweep saw the preparation deadline pass: hands the expiry to the loop, once. */
    void expirePreparation() {
        prepareDeadline = Long.MAX_VALUE;
        loop.execute(this::onPrepareExpired);
    }

    /** The preparation deadline passed (on the loop's thread): refused or abandoned, and closed. */
    void onPrepareExpired() {
        if (state == State.CLOSED || handler != null) {
            return;
        }
        if (ticket.awaitsProxyHeader()) {
            ticket.refuse("timeout");
            reset();
        } else {
            tls.abandoned(HandshakeFailure.TIMEOUT);
            closeNow(CloseReason.ABORTED);
        }
    }

    /** Closes with a reset: the refused peer learns at once and no TIME_WAIT stays here. */
    private void reset() {
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
        closeNow(CloseReason.ABORTED);
    }

    // ---- TLS output: the loop's record buffer, then the socket or the pending output ---------------

    @Override
    public ByteBuffer buffer() {
        return loop.recordBuffer().clear();
    }

    @Override
    public void send(ByteBuffer records) throws IOException {
        if (state == State.CLOSED) {
            return;
        }
        if (pending == null) {
            channel.write(records);
            loop.touch(this);
            if (!records.hasRemaining()) {
                return;
            }
        }
        queue(records);
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
        if (tls != null) {
            tls.send(data, this);
            return;
        }
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
        if (tls != null) {
            tls.send(data, 0, data.length, this);
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
        if (tls != null) {
            return transferEncrypted(file, position, count);
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

    /**
     * A file under TLS: read once into the loop's file buffer, encrypted into records and written; what
     * the socket refuses waits as pending output, so the next call returns 0 until it drained.
     */
    private long transferEncrypted(FileChannel file, long position, long count) throws IOException {
        ByteBuffer chunk = loop.fileBuffer().clear();
        chunk.limit((int) Math.min(chunk.capacity(), count));
        int read = file.read(chunk, position);
        if (read <= 0) {
            return 0; // the file ends before position
        }
        tls.send(chunk.flip(), this);
        return read;
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
        if (tls != null) {
            closeNotify();
        }
        if (pending == null && state != State.CLOSED) {
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
        if (tls != null) {
            closeNotify();
        }
        if (state == State.CLOSED) {
            return;
        }
        if (pending == null) {
            finishClose();
        } else {
            updateInterest();
        }
    }

    /** close_notify goes out after what was written (or waits with it). */
    private void closeNotify() {
        try {
            tls.close(this);
        } catch (IOException e) {
            fail(e);
        }
    }

    @Override
    public Optional<TlsPeer> tls() {
        return tls == null ? Optional.empty() : Optional.ofNullable(tls.peer());
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
        if (handler == null && needsPreparing()) {
            loop.preparing(this, false);
        }
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
            HandlerFailures.log(loop.log(), this, t);
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
