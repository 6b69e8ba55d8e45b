package dev.netsvc.core.nio;

import org.slf4j.Logger;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Non-blocking accept on the first event loop. A connection permit is taken <em>before</em> each
 * accept ({@link dev.netsvc.core.net.ConnectionPermits}): at the connection limit the acceptor stops
 * listening for OP_ACCEPT, so further clients wait in the kernel's backlog instead of in memory, and it
 * listens again when a connection closes. When accept itself fails (EMFILE: out of file descriptors) it
 * pauses instead of spinning, as the server's {@link dev.netsvc.core.net.AcceptPath} says. Everything
 * here runs on the first loop's thread.
 */
final class Acceptor {

    private static final int MAX_ACCEPTS_PER_EVENT = 64;

    private final NioTcpServer server;
    private final ServerSocketChannel channel;
    private final Logger log;
    private SelectionKey key;
    private boolean waitingForPermit;
    private long retryAt; // 0 unless accept failed; loop thread only
    private long pauseMillis; // how long to pause after the failure
    private volatile boolean closed; // also set by closeFromAnotherThread
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

    Acceptor(NioTcpServer server, ServerSocketChannel channel) {
        this.server = server;
        this.channel = channel;
        this.log = server.log();
    }

    void register(EventLoop loop) throws ClosedChannelException {
        key = channel.register(loop.selector(), SelectionKey.OP_ACCEPT, this);
        loop.acceptWith(this);
    }

    void onAcceptable() {
        for (int i = 0; i < MAX_ACCEPTS_PER_EVENT && !closed; i++) {
            if (!server.permits().tryTake()) {
                waitingForPermit = true; // until permitFree()
                updateInterest();
                return;
            }
            SocketChannel accepted;
            try {
                accepted = channel.accept();
            } catch (IOException e) {
                server.permits().release();
                pauseMillis = server.acceptFailed(e); // counted, and logged at most once a minute
                retryAt = -1; // set to a real time on the next tick
                updateInterest();
                return;
            }
            if (accepted == null) {
                server.permits().release();
                return;
            }
            server.assign(accepted);
        }
    }

    /** Once per turn of the loop: ends a pause after an accept failure. */
    void onTick(long now) {
        if (retryAt == -1) {
            retryAt = now + pauseMillis;
        } else if (retryAt != 0 && now >= retryAt) {
            retryAt = 0;
            updateInterest();
        }
    }

    long millisUntilRetry(long now) {
        return retryAt == 0 ? Long.MAX_VALUE : Math.max(1, retryAt - now);
    }

    /** A connection closed while we waited at the limit: accept again. */
    void permitFree() {
        if (waitingForPermit) {
            waitingForPermit = false;
            updateInterest();
        }
    }

    void close() {
        closed = true;
        if (key != null) {
            key.cancel(); // not closed: a replacing copy of this service may be accepting from it too
        }
        release();
    }

    /**
     * The first loop did not close the acceptor in time (a handler blocked it): accept nothing more when
     * it comes back, and give the socket back now. Its close on the loop follows and cancels the key.
     */
    void closeFromAnotherThread() {
        closed = true;
        release();
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            server.releaseListener();
        }
    }

    private void updateInterest() {
        if (!closed && key.isValid()) {
            key.interestOps(waitingForPermit || retryAt != 0 ? 0 : SelectionKey.OP_ACCEPT);
        }
    }
}
