package dev.netsvc.core.internal;

import dev.netsvc.core.tls.TlsPeer;

import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * One connection's TLS, the one way core's three engines drive an {@link SSLEngine}: ciphertext the engine
 * read goes in ({@link #receive}), plaintext for the handler comes out; plaintext the handler wrote goes in
 * ({@link #send}), records for the socket come out through the engine's {@link Output}. The handshake
 * happens inside {@link #receive} (its messages go out through the same {@link Output}); the engine only
 * watches {@link #isOpen} to know when the handler may start, and the handshake deadline.
 *
 * <pre>
 *   HANDSHAKING ── Finished ──▶ OPEN ── close_notify received (receive gives -1) ──▶ input ended
 *        └── alert, garbage, renegotiation, timeout, EOF ──▶ failed (counted by reason, connection closed)
 * </pre>
 *
 * <p>Memory: nothing is held while nothing waits. Ciphertext of an incomplete record is kept (copied,
 * at most one record plus one read), and so is plaintext the caller's buffer had no room for; both are
 * dropped once used. Records are encrypted into the buffer the engine's {@link Output} lends (a loop's
 * shared scratch, a connection's own), so a selector loop's idle connections hold no TLS buffer at all.
 *
 * <p>Refused: renegotiation (a TLS 1.2 handshake after the first; TLS 1.3 has none, its key updates are
 * answered). Sent: close_notify on {@link #close}. Honoured: a peer's close_notify is the end of input.
 * Not thread-safe: one engine thread at a time, as every engine already serves a connection.
 */
public final class TlsSession {

    /** Where records go: the engine's socket, or its queue of output waiting for the socket. */
    public interface Output {
        /** An empty buffer (write mode) with room for at least {@link TlsSession#packetSize()} bytes. */
        ByteBuffer buffer();

        /**
         * Takes every byte of {@code records} (read mode): written to the socket or queued (copied) for it.
         * The buffer is the engine's again afterwards.
         */
        void send(ByteBuffer records) throws IOException;
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** More ciphertext than this waiting undecrypted means the engine read without delivering: a bug, or a flood. */
    private static final int MAX_PENDING_INPUT = 1 << 20;

    private final SSLEngine engine;
    private final TlsContext context; // null for a client's session: nothing to count
    private ByteBuffer netIn; // ciphertext not yet decrypted (read mode), or null
    private ByteBuffer appIn; // plaintext not yet delivered (read mode), or null
    private boolean open; // the handshake completed
    private boolean inputEnded; // the peer's close_notify arrived
    private boolean closed; // our close_notify went out
    private boolean counted; // a failed handshake was counted
    private TlsPeer peer;

    TlsSession(SSLEngine engine, TlsContext context) {
        this.engine = engine;
        this.context = context;
    }

    /** A client's session over {@code engine} (in client mode, with its peer's host and port set). */
    public static TlsSession client(SSLEngine engine) {
        return new TlsSession(engine, null);
    }

    /** The largest record: every {@link Output#buffer()} must have this much room. */
    public int packetSize() {
        return engine.getSession().getPacketBufferSize();
    }

    /** Whether the handshake completed: the handler may start. */
    public boolean isOpen() {
        return open;
    }

    /** What the handler sees of the session; null until {@link #isOpen}. */
    public TlsPeer peer() {
        return peer;
    }

    /** The protocol agreed (TLSv1.3), or none yet. */
    public String protocol() {
        return engine.getSession().getProtocol();
    }

    /** Whether plaintext is waiting that {@code receive(EMPTY, dst)} delivers without reading the socket. */
    public boolean hasPlaintext() {
        return appIn != null;
    }

    /** Whether the peer's close_notify arrived: no more input. */
    public boolean isInputEnded() {
        return inputEnded;
    }

    /** A client starts the handshake: its ClientHello goes out. A server waits for one instead. */
    public void start(Output out) throws IOException {
        engine.beginHandshake();
        progress(engine.getHandshakeStatus(), out);
    }

    /**
     * Decrypts what it can of {@code received} (read mode; all of it is taken: what is not a whole record
     * yet is kept) into {@code dst} (write mode), answering handshake messages through {@code out}.
     *
     * @return plaintext bytes put into {@code dst}; 0 when more input is needed; -1 when the peer closed
     *         the session (close_notify) and nothing is left
     * @throws SSLException for anything that is not TLS, an alert, a renegotiation; counted when it ends a
     *                      handshake
     */
    public int receive(ByteBuffer received, ByteBuffer dst, Output out) throws IOException {
        int start = dst.position();
        deliver(dst);
        if (appIn != null) {
            keep(received);
            return dst.position() - start;
        }
        ByteBuffer src = source(received);
        try {
            while (src.hasRemaining() && !inputEnded) {
                boolean direct = dst.remaining() >= engine.getSession().getApplicationBufferSize();
                ByteBuffer target = direct ? dst : ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
                SSLEngineResult r = engine.unwrap(src, target);
                if (!direct && target.position() > 0) {
                    appIn = target.flip();
                    deliver(dst);
                }
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    inputEnded = true;
                }
                progress(r.getHandshakeStatus(), out);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || appIn != null
                        || r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW
                        || r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    break; // a partial record, a full dst, or nothing to do without more input
                }
            }
        } catch (SSLException e) {
            failedHandshake(HandshakeFailure.of(e));
            alert(out);
            throw e;
        } finally {
            keepRest(src, received);
        }
        int n = dst.position() - start;
        return n == 0 && inputEnded && appIn == null ? -1 : n;
    }

    /**
     * Encrypts every remaining byte of {@code srcs[offset, offset + length)} into records that go to
     * {@code out}, several to a buffer when it has room.
     *
     * @return the plaintext bytes taken (all of them)
     */
    public long send(ByteBuffer[] srcs, int offset, int length, Output out) throws IOException {
        if (closed) {
            throw new SSLException("the TLS session is closed");
        }
        long total = 0;
        ByteBuffer buffer = out.buffer();
        int packet = packetSize();
        while (hasRemaining(srcs, offset, length)) {
            if (buffer.remaining() < packet) {
                out.send(buffer.flip());
                buffer = out.buffer();
            }
            SSLEngineResult r = engine.wrap(srcs, offset, length, buffer);
            total += r.bytesConsumed();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("the TLS session is closed");
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && buffer.position() == 0) {
                throw new SSLException("a TLS record larger than the buffer: " + buffer.capacity());
            }
            if (r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
                if (buffer.position() > 0) {
                    out.send(buffer.flip());
                }
                progress(r.getHandshakeStatus(), out); // a key update, a ticket: they use the buffer too
                buffer = out.buffer();
            }
        }
        if (buffer.position() > 0) {
            out.send(buffer.flip());
        }
        return total;
    }

    /**
     * Encrypts from {@code src} into {@code dst} (write mode) as many records as fit whole, for an engine
     * that writes one buffer at a time (NIO.2); a message the session must send besides (a key update)
     * goes to {@code out} after them.
     *
     * @return the plaintext bytes taken
     */
    public int wrap(ByteBuffer src, ByteBuffer dst, Output out) throws IOException {
        if (closed) {
            throw new SSLException("the TLS session is closed");
        }
        int taken = 0;
        int packet = packetSize();
        while (src.hasRemaining() && dst.remaining() >= packet) {
            SSLEngineResult r = engine.wrap(src, dst);
            taken += r.bytesConsumed();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("the TLS session is closed");
            }
            if (r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
                progress(r.getHandshakeStatus(), out);
                break;
            }
            if (r.bytesConsumed() == 0) {
                break;
            }
        }
        return taken;
    }

    /** {@link #send(ByteBuffer[], int, int, Output)} of one buffer. */
    public long send(ByteBuffer src, Output out) throws IOException {
        return send(new ByteBuffer[] {src}, 0, 1, out);
    }

    /** Sends close_notify (once): the peer sees the end of our output, not a truncation. */
    public void close(Output out) throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        engine.closeOutbound();
        ByteBuffer buffer = out.buffer();
        for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
            SSLEngineResult r = engine.wrap(EMPTY, buffer);
            if (r.bytesProduced() == 0) {
                break;
            }
        }
        if (buffer.position() > 0) {
            out.send(buffer.flip());
        }
    }

    /**
     * The handshake did not complete and never will (the deadline passed, the peer closed, the engine
     * stopped): counted once with {@code reason}, if it is a failure at all.
     */
    public void abandoned(HandshakeFailure reason) {
        failedHandshake(reason);
    }

    // ---- the handshake ------------------------------------------------------------------------------

    private void progress(HandshakeStatus status, Output out) throws IOException {
        HandshakeStatus hs = status;
        for (int steps = 0; steps < 64; steps++) { // a handshake takes a handful; bounded all the same
            switch (hs) {
                case NEED_TASK -> {
                    refuseRenegotiation();
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run(); // certificate checks and signatures, inline: nginx does the same
                    }
                    hs = engine.getHandshakeStatus();
                }
                case NEED_WRAP -> {
                    refuseRenegotiation();
                    ByteBuffer buffer = out.buffer();
                    SSLEngineResult r = engine.wrap(EMPTY, buffer);
                    if (buffer.position() > 0) {
                        out.send(buffer.flip());
                    }
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        return; // an alert went out: the unwrap that follows throws it
                    }
                    hs = r.getHandshakeStatus();
                }
                case FINISHED -> {
                    opened();
                    hs = engine.getHandshakeStatus();
                }
                default -> { // NEED_UNWRAP: wait for input; NOT_HANDSHAKING: done
                    if (hs == HandshakeStatus.NOT_HANDSHAKING && !open && engine.getSession().isValid()
                            && !engine.getSession().getProtocol().equals("NONE") && !engine.isInboundDone()) {
                        opened(); // some JDK paths end without reporting FINISHED
                    }
                    return;
                }
            }
        }
        throw new SSLException("the TLS handshake did not settle");
    }

    /** After a fatal error the engine has an alert for the peer (protocol_version, unknown_ca, ...): it goes out if it can. */
    private void alert(Output out) {
        try {
            ByteBuffer buffer = out.buffer();
            engine.wrap(EMPTY, buffer);
            if (buffer.position() > 0) {
                out.send(buffer.flip());
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection closes without it
        }
    }

    private void opened() {
        if (open) {
            return;
        }
        open = true;
        peer = TlsContext.peer(engine.getSession());
        if (context != null) {
            context.completed(engine.getSession());
        }
    }

    /** TLS 1.2 lets either side handshake again; a client asking to is refused (CPU for nothing). */
    private void refuseRenegotiation() throws SSLException {
        if (open && !"TLSv1.3".equals(engine.getSession().getProtocol())) {
            throw new SSLException("TLS renegotiation refused");
        }
    }

    private void failedHandshake(HandshakeFailure reason) {
        if (!open && !counted && context != null) {
            counted = true;
            context.failed(reason, protocol());
        }
    }

    // ---- buffers ------------------------------------------------------------------------------------

    /** Moves waiting plaintext into {@code dst}; drops the holder once it is empty. */
    private void deliver(ByteBuffer dst) {
        if (appIn == null) {
            return;
        }
        int n = Math.min(appIn.remaining(), dst.remaining());
        dst.put(dst.position(), appIn, appIn.position(), n).position(dst.position() + n);
        appIn.position(appIn.position() + n);
        if (!appIn.hasRemaining()) {
            appIn = null;
        }
    }

    /** What to decrypt from: {@code received} itself when nothing waits, else appended to what waits. */
    private ByteBuffer source(ByteBuffer received) throws SSLException {
        if (netIn == null) {
            return received;
        }
        keep(received);
        return netIn;
    }

    /** Appends {@code received} to the ciphertext that waits. */
    private void keep(ByteBuffer received) throws SSLException {
        int n = received.remaining();
        if (n == 0) {
            return;
        }
        if (netIn == null) {
            netIn = ByteBuffer.allocate(Math.max(n, 512)).flip();
        }
        int waiting = netIn.remaining();
        if (waiting + n > MAX_PENDING_INPUT) {
            throw new SSLException("more than " + MAX_PENDING_INPUT + " bytes of TLS input waiting");
        }
        if (netIn.capacity() - netIn.limit() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(waiting + n, Math.min(2 * netIn.capacity(), MAX_PENDING_INPUT)));
            bigger.put(netIn).flip();
            netIn = bigger;
        }
        int at = netIn.limit();
        netIn.limit(at + n);
        netIn.put(at, received, received.position(), n);
        received.position(received.limit());
    }

    private void keepRest(ByteBuffer src, ByteBuffer received) throws SSLException {
        if (src == received) {
            keep(received);
        } else if (!netIn.hasRemaining()) {
            netIn = null;
        } else if (netIn.position() > 0) {
            netIn.compact().flip();
        }
    }

    private static boolean hasRemaining(ByteBuffer[] srcs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (srcs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return open ? "TLS " + protocol() : "TLS handshake";
    }
}
