package dev.netsvc.core.internal;


import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.AcceptPendingException;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One running copy's view of a listening NIO.2 socket, from {@link Listeners#tcpAsync}: accept connections
 * with {@link #accept}, as with {@link AsynchronousServerSocketChannel#accept}, and give it back with
 * {@link Listeners#release}.
 *
 * <p>Why not the channel itself: NIO.2 cannot wrap an existing descriptor and a channel belongs to one
 * {@link AsynchronousChannelGroup}, and an accept in flight cannot be withdrawn without closing the
 * channel. So the {@link Socket} (channel and group) belongs to whoever opened it, the host across a plugin
 * replacement, and keeps one accept in flight on behalf of the copies that asked for a connection; each
 * accepted connection goes to exactly one of them, the first that asked. A copy that leaves withdraws its
 * request; a connection accepted meanwhile waits for the next copy that asks. The accepted channels belong
 * to the socket's group, so their completion handlers run on its threads.
 *
 * <p>The completion handler runs on a group thread, or on the thread calling {@code accept} when a
 * connection was already waiting, while this listener is being served: keep it short (take the
 * connection, ask for the next one). After {@link #close} (which {@link Listeners#release} calls) returns,
 * the handler is never called again, so every connection handed over before is already in the copy's
 * hands; a pending request is dropped without calling its handler.
 */
public final class AsyncListener implements Closeable {

    private final Socket socket;
    private CompletionHandler<AsynchronousSocketChannel, Void> waiting; // guarded by socket
    private boolean closed; // guarded by socket

    private AsyncListener(Socket socket) {
        this.socket = socket;
    }

    /**
     * Asks for the next connection: {@code handler} completes with it, or fails with the accept's error
     * (back off, then ask again). One request at a time, like the channel's.
     *
     * @throws AcceptPendingException when a request of this listener is still waiting
     * @throws java.nio.channels.ShutdownChannelGroupException when this listener was closed
     */
    public void accept(CompletionHandler<AsynchronousSocketChannel, Void> handler) {
        socket.request(this, handler);
    }

    /** The bound address, with the port the system chose for port 0. */
    public InetSocketAddress localAddress() {
        return socket.local;
    }

    /** The shared socket, for whoever counts its users. */
    public Socket socket() {
        return socket;
    }

    /** This copy accepts no more; the socket stays open (it closes with {@link Socket#close}). */
    @Override
    public void close() {
        socket.leave(this);
    }

    /**
     * The listening channel and the group of {@code threads} threads it and its connections belong to.
     * {@link #close} closes the channel and shuts the group down, which ends once the connections still
     * open are closed by the copies that serve them.
     */
    public static final class Socket implements Closeable {

        private final AsynchronousChannelGroup group;
        private final AsynchronousServerSocketChannel channel;
        private final InetSocketAddress local;
        private final Deque<AsyncListener> asking = new ArrayDeque<>(); // guarded by this
        private AsynchronousSocketChannel accepted; // accepted while nobody asked; guarded by this
        private boolean accepting; // guarded by this

        private final CompletionHandler<AsynchronousSocketChannel, Void> onAccept = new CompletionHandler<>() {
            @Override
            public void completed(AsynchronousSocketChannel connection, Void unused) {
                delivered(connection, null);
            }

            @Override
            public void failed(Throwable t, Void unused) {
                delivered(null, t);
            }
        };

        private Socket(AsynchronousChannelGroup group, AsynchronousServerSocketChannel channel) throws IOException {
            this.group = group;
            this.channel = channel;
            this.local = (InetSocketAddress) channel.getLocalAddress();
        }

        /**
         * Binds {@code address} on a new group of {@code threads} threads named {@code name-io-N}.
         */
        public static Socket open(InetSocketAddress address, int backlog, int threads, String name) throws IOException {
            return open(address, backlog, threads, name, false);
        }

        /** As {@link #open(InetSocketAddress, int, int, String)}, with SO_REUSEPORT when {@code reusePort}. */
        public static Socket open(InetSocketAddress address, int backlog, int threads, String name, boolean reusePort)
                throws IOException {
            return onNewGroup(threads, name, group -> Sockets.listenTcpAsync(group, address, backlog, reusePort));
        }

        /**
         * The listening socket of {@code listening}, one the service manager passed in, on a new group as
         * {@link #open} makes one; {@code listening} is closed, its socket lives on in the new channel. The JDK
         * cannot make an NIO.2 channel around an existing socket: see {@link InheritedChannels} for how.
         *
         * @throws IOException also when this JVM cannot adopt sockets ({@link InheritedChannels#whyNot()})
         */
        public static Socket adopt(java.nio.channels.ServerSocketChannel listening, int threads, String name) throws IOException {
            InheritedChannels adoption = InheritedChannels.get()
                    .orElseThrow(() -> new IOException("an NIO.2 server cannot take this socket: " + InheritedChannels.whyNot()));
            return onNewGroup(threads, name, group -> adoption.asyncServerSocket(listening, group));
        }

        private interface ChannelOpener {
            AsynchronousServerSocketChannel open(AsynchronousChannelGroup group) throws IOException;
        }

        // The threads' context class loader is this class's, so they keep no plugin's loader alive
        private static Socket onNewGroup(int threads, String name, ChannelOpener opener) throws IOException {
            ClassLoader host = AsyncListener.class.getClassLoader();
            var factory = Thread.ofPlatform().name(name + "-io-", 0).daemon(true).factory();
            AsynchronousChannelGroup group = AsynchronousChannelGroup.withFixedThreadPool(threads, r -> {
                Thread t = factory.newThread(r);
                t.setContextClassLoader(host);
                return t;
            });
            try {
                return new Socket(group, opener.open(group));
            } catch (IOException | RuntimeException e) {
                group.shutdownNow();
                throw e;
            }
        }

        /** A new copy's listener on this socket. */
        public synchronized AsyncListener listener() {
            if (!channel.isOpen()) {
                throw new IllegalStateException("listener on " + local + " is closed");
            }
            return new AsyncListener(this);
        }

        private synchronized void request(AsyncListener copy, CompletionHandler<AsynchronousSocketChannel, Void> handler) {
            if (copy.closed || !channel.isOpen()) {
                throw new java.nio.channels.ShutdownChannelGroupException();
            }
            if (copy.waiting != null) {
                throw new AcceptPendingException();
            }
            copy.waiting = handler;
            AsynchronousSocketChannel ready = accepted;
            if (ready != null) {
                accepted = null;
                hand(copy, ready, null);
                return;
            }
            asking.add(copy);
            acceptIfAsked();
        }

        private synchronized void leave(AsyncListener copy) {
            copy.closed = true;
            copy.waiting = null;
            asking.remove(copy);
        }

        // One accept in flight while someone asks; under this lock.
        private void acceptIfAsked() {
            if (accepting || asking.isEmpty() || !channel.isOpen()) {
                return;
            }
            accepting = true;
            try {
                channel.accept(null, onAccept);
            } catch (RuntimeException e) { // closed or shut down meanwhile
                accepting = false;
            }
        }

        // The accept finished: to the first copy still asking, or kept for the next one.
        private synchronized void delivered(AsynchronousSocketChannel connection, Throwable failure) {
            accepting = false;
            AsyncListener copy = asking.poll();
            if (copy == null) {
                if (connection != null) {
                    accepted = connection; // the asking copy left meanwhile: the next one gets it
                }
            } else {
                hand(copy, connection, failure);
            }
            acceptIfAsked();
        }

        // Under this lock, so that a copy's close() waits for a hand-over in progress to it.
        private void hand(AsyncListener copy, AsynchronousSocketChannel connection, Throwable failure) {
            CompletionHandler<AsynchronousSocketChannel, Void> handler = copy.waiting;
            copy.waiting = null;
            if (connection != null) {
                handler.completed(connection, null);
            } else {
                handler.failed(failure, null);
            }
        }

        /** Closes the channel (a connection accepted for nobody too) and shuts the group down. */
        @Override
        public void close() {
            AsynchronousSocketChannel left;
            synchronized (this) {
                left = accepted;
                accepted = null;
                asking.clear();
            }
            Sockets.closeQuietly(left);
            Sockets.closeQuietly(channel);
            group.shutdown();
        }

        /** Whether {@link #close} has been called (for tests and leak checks). */
        public boolean isOpen() {
            return channel.isOpen();
        }
    }
}
