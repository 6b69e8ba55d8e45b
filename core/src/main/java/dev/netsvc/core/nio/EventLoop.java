package dev.netsvc.core.nio;

import dev.netsvc.core.net.AcceptPath;
import dev.netsvc.core.internal.Sockets;

import org.slf4j.Logger;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One thread, one selector, and everything of the connections it serves: a read buffer they share,
 * their idle-timeout order and their pending output. Other threads never touch this state; they hand
 * work over with {@link #execute}, which queues it and wakes the selector once.
 */
final class EventLoop implements Runnable {

    /** The longest select wait, so an injected clock that jumps is noticed within a second. */
    private static final long MAX_WAIT_MILLIS = 1000;
    private static final int MAX_TASKS_PER_TURN = 1024;
    /** The largest TLS record with its overhead (the JDK's packet buffer size, 16,709 bytes), rounded up. */
    private static final int TLS_RECORD = 17 * 1024;

    private final NioTcpServer server;
    private final Logger log;
    private final Clock clock;
    private final long idleMillis;
    private final int maxPendingOutput;
    private final Selector selector;
    private final ByteBuffer readBuffer;
    private final int readBufferSize;
    private ByteBuffer plainBuffer; // TLS: input decrypted for the handlers, made when first needed
    private ByteBuffer recordBuffer; // TLS: output encrypted for the socket
    private ByteBuffer fileBuffer; // TLS: a file's bytes on their way into records
    private final ConnectionList connections = new ConnectionList();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Consumer<SelectionKey> onSelected = this::onSelected;
    private final Thread thread;
    private Acceptor acceptor;

    /** Connections assigned to this loop, read by the acceptor to balance the load. */
    final AtomicInteger load = new AtomicInteger();
    private volatile boolean dead;
    private boolean stopping;
    private long now;
    private boolean nowValid;

    EventLoop(NioTcpServer server, String name, NioOptions options) throws IOException {
        this.server = server;
        this.log = server.log();
        this.clock = server.clock();
        this.idleMillis = options.idleTimeout().toMillis();
        this.maxPendingOutput = options.maxPendingOutput();
        this.selector = Selector.open();
        this.readBuffer = ByteBuffer.allocateDirect(options.readBufferSize());
        this.readBufferSize = options.readBufferSize();
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this);
    }

    void start() {
        thread.start();
    }

    Selector selector() {
        return selector;
    }

    /** Only the first loop accepts; set before {@link #start}. */
    void acceptWith(Acceptor acceptor) {
        this.acceptor = acceptor;
    }

    // ---- the loop --------------------------------------------------------------------------------

    @Override
    public void run() {
        try {
            while (true) {
                runTasks();
                if (stopping && connections.isEmpty()) {
                    break;
                }
                turn();
            }
        } catch (Throwable t) {
            log.error("event loop {} failed; closing its connections", thread.getName(), t);
            if (!stopping) {
                server.loopDied(t);
            }
        } finally {
            dead = true;
            for (NioConnection c : connections.snapshot()) {
                c.closeNow(CloseReason.STOPPED);
            }
            runTasks(); // connections handed over meanwhile are closed by adopt()
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }

    private void turn() throws IOException {
        nowValid = false;
        long timeout = selectTimeout();
        nowValid = false; // the select may block: events it reports must read the clock afresh
        if (tasks.isEmpty()) {
            selector.select(onSelected, timeout);
        } else {
            selector.selectNow(onSelected);
        }
        wakeupPending.set(false);
        nowValid = false;
        expireIdle();
        if (acceptor != null) {
            acceptor.onTick(now());
        }
    }

    private void onSelected(SelectionKey key) {
        if (key.attachment() instanceof NioConnection c) {
            c.onReady(key.readyOps());
        } else {
            acceptor.onAcceptable();
        }
    }

    private long selectTimeout() {
        long wait = MAX_WAIT_MILLIS;
        NioConnection oldest = connections.oldest();
        if (oldest != null) {
            wait = Math.min(wait, oldest.lastActivity + idleMillis - now());
        }
        if (acceptor != null) {
            wait = Math.min(wait, acceptor.millisUntilRetry(now()));
        }
        return Math.max(1, wait);
    }

    private void expireIdle() {
        long t = now();
        for (int left = connections.size(); left > 0; left--) {
            NioConnection oldest = connections.oldest();
            if (oldest == null || t - oldest.lastActivity < idleMillis) {
                return;
            }
            oldest.onIdle();
        }
    }

    private void runTasks() {
        for (int i = 0; i < MAX_TASKS_PER_TURN; i++) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            try {
                task.run();
            } catch (Throwable t) {
                log.error("event loop task failed", t);
            }
        }
    }

    // ---- for other threads -------------------------------------------------------------------------

    /** Runs {@code task} on this loop: queued, plus one selector wake-up however many are queued. */
    void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop() && !wakeupPending.getAndSet(true)) {
            selector.wakeup();
        }
    }

    /** Wakes the selector, e.g. after a test moved its clock. */
    void wakeup() {
        selector.wakeup();
    }

    boolean isDead() {
        return dead;
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    void join(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            try {
                thread.join(java.time.Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- connections -------------------------------------------------------------------------------

    /** Takes over an accepted socket (on this loop's thread); the acceptor already counted it. */
    void adopt(SocketChannel channel, AcceptPath.Ticket ticket) {
        if (stopping || dead) {
            closeUnadopted(channel, ticket);
            return;
        }
        NioConnection connection;
        try {
            channel.configureBlocking(false);
            Sockets.tuneAccepted(channel);
            connection = new NioConnection(this, channel, ticket.client(), ticket,
                    server.tls() == null ? null : server.tls().newSession());
        } catch (IOException e) {
            log.debug("accepted connection failed before it was served: {}", e.toString());
            closeUnadopted(channel, ticket);
            return;
        }
        connections.add(connection, now());
        try {
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ, connection);
            connection.registered(key);
            if (connection.needsPreparing()) {
                server.preparing(connection, true); // the PROXY header, the TLS handshake: the handler after them
            } else {
                connection.serveWith(server.handlers().open(connection));
            }
        } catch (Throwable t) {
            connection.fail(t);
        }
    }

    private void closeUnadopted(SocketChannel channel, AcceptPath.Ticket ticket) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // it was never ours to serve
        }
        load.decrementAndGet();
        ticket.release();
    }

    /** Bookkeeping once a connection has closed. */
    void closed(NioConnection connection, CloseReason reason) {
        connections.remove(connection);
        load.decrementAndGet();
        server.connectionClosed(reason);
        connection.ticket().release(); // last: it frees the permit, and the acceptor may take it at once
    }

    /** The server is stopping: every open connection's input ends; the loop ends with its last connection. */
    void beginStop() {
        stopping = true;
        for (NioConnection c : connections.snapshot()) {
            c.onStop();
        }
    }

    /** The grace period is over: close what is left. */
    void closeAll() {
        stopping = true;
        for (NioConnection c : connections.snapshot()) {
            c.closeNow(CloseReason.STOPPED);
        }
    }

    void touch(NioConnection c) {
        connections.touch(c, now());
    }

    ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** TLS: where input is decrypted to be offered, as large as the read buffer. */
    ByteBuffer plainBuffer() {
        if (plainBuffer == null) {
            plainBuffer = ByteBuffer.allocate(readBufferSize);
        }
        return plainBuffer;
    }

    /** TLS: where output is encrypted, room for several records, so a large write is one system call. */
    ByteBuffer recordBuffer() {
        if (recordBuffer == null) {
            recordBuffer = ByteBuffer.allocate(4 * TLS_RECORD);
        }
        return recordBuffer;
    }

    /** TLS: a file's next chunk, read straight from the page cache, one record's worth. */
    ByteBuffer fileBuffer() {
        if (fileBuffer == null) {
            fileBuffer = ByteBuffer.allocateDirect(16 * 1024);
        }
        return fileBuffer;
    }

    /** The connection's PROXY header or TLS handshake begins ({@code on}), or is over. */
    void preparing(NioConnection connection, boolean on) {
        server.preparing(connection, on);
    }

    ConnectionHandler.Factory handlers() {
        return server.handlers();
    }

    int maxPendingOutput() {
        return maxPendingOutput;
    }

    void countBackpressure() {
        server.countBackpressure();
    }

    Logger log() {
        return log;
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** The clock's time, read once per turn of the loop. */
    private long now() {
        if (!nowValid) {
            now = clock.millis();
            nowValid = true;
        }
        return now;
    }
}
