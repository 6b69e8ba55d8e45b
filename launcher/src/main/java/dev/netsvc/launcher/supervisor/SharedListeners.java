package dev.netsvc.launcher.supervisor;

import dev.netsvc.core.net.AsyncListener;
import dev.netsvc.core.net.Listeners;
import dev.netsvc.core.net.Sockets;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The host's listening TCP sockets and UDP sockets, counted by user. A service asking for a socket it already listens on
 * (the same service id, kind of socket and configured address) gets the very same socket: that is how a
 * replacing plugin version takes over the old version's port without it ever closing. A socket is closed
 * when its last user releases it. Thread-safe.
 */
final class SharedListeners {

    private static final class Held {
        final String serviceId;
        final Class<?> kind;
        final InetSocketAddress requested;
        final Closeable socket;
        int users = 1;

        Held(String serviceId, Class<?> kind, InetSocketAddress requested, Closeable socket) {
            this.serviceId = serviceId;
            this.kind = kind;
            this.requested = requested;
            this.socket = socket;
        }
    }

    private final List<Held> held = new ArrayList<>();

    /** Binds a socket the host does not hold yet. */
    private interface Opener<S> {
        S open() throws IOException;
    }

    /**
     * The {@link Listeners} of one supervised service, for its {@link dev.netsvc.core.ServiceContext}. It
     * counts each socket once however often the service releases it (an engine that lost its accept loop
     * and is then stopped releases twice).
     */
    Listeners forService(String serviceId) {
        java.util.Set<Closeable> mine = java.util.Collections.synchronizedSet(
                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        return new Listeners() {
            // the socket of this kind and address the host holds for the service, else a new one from open
            private <S extends Closeable> S shared(Class<?> kind, InetSocketAddress address, Opener<S> open) throws IOException {
                @SuppressWarnings("unchecked")
                S socket = (S) take(serviceId, kind, address);
                if (socket == null) {
                    socket = add(serviceId, kind, address, open.open());
                }
                mine.add(socket);
                return socket;
            }

            @Override
            public <S extends ServerSocket> S tcp(S unbound, InetSocketAddress address, int backlog) throws IOException {
                S socket = shared(unbound.getClass(), address, () -> Sockets.listenTcp(unbound, address, backlog));
                if (socket != unbound) {
                    Sockets.closeQuietly(unbound);
                }
                return socket;
            }

            @Override
            public ServerSocketChannel tcpChannel(InetSocketAddress address, int backlog) throws IOException {
                return shared(ServerSocketChannel.class, address, () -> Listeners.OWN.tcpChannel(address, backlog));
            }

            @Override
            public DatagramChannel udp(InetSocketAddress address) throws IOException {
                return shared(DatagramChannel.class, address, () -> Listeners.OWN.udp(address));
            }

            @Override
            public AsyncListener tcpAsync(InetSocketAddress address, int backlog, int threads, String name) throws IOException {
                AsyncListener.Socket socket = shared(AsyncListener.Socket.class, address,
                        () -> AsyncListener.Socket.open(address, backlog, threads, name));
                return socket.listener();
            }

            @Override
            public boolean release(Closeable listener) {
                Closeable socket = listener;
                if (listener instanceof AsyncListener async) {
                    async.close(); // this copy accepts no more; the socket is counted like any other
                    socket = async.socket();
                }
                if (!mine.remove(socket)) {
                    return stillUsed(socket); // released before, or never taken here
                }
                return SharedListeners.this.release(socket);
            }
        };
    }

    /**
     * Counts one more user of every socket the services {@code serviceIds} listen on now, until the
     * returned action runs (once; later runs do nothing): they stay open whoever else releases them meanwhile.
     */
    synchronized Runnable hold(java.util.Collection<String> serviceIds) {
        List<Closeable> sockets = new ArrayList<>();
        for (Held h : held) {
            if (serviceIds.contains(h.serviceId)) {
                h.users++;
                sockets.add(h.socket);
            }
        }
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                sockets.forEach(this::release);
            }
        };
    }

    /** Sockets open now (for tests and leak checks). */
    synchronized int open() {
        return held.size();
    }

    private synchronized Closeable take(String serviceId, Class<?> kind, InetSocketAddress address) {
        for (Held h : held) {
            if (h.serviceId.equals(serviceId) && h.kind == kind && h.requested.equals(address)) {
                h.users++;
                return h.socket;
            }
        }
        return null;
    }

    private synchronized <S extends Closeable> S add(String serviceId, Class<?> kind, InetSocketAddress address, S socket) {
        held.add(new Held(serviceId, kind, address, socket));
        return socket;
    }

    // true when the socket stays open for another user
    private boolean release(Closeable socket) {
        boolean close;
        synchronized (this) {
            Held found = null;
            for (Held h : held) {
                if (h.socket == socket) {
                    found = h;
                    break;
                }
            }
            if (found == null) {
                close = false; // already closed when its last user released it
            } else {
                found.users--;
                close = found.users == 0;
                if (close) {
                    held.remove(found);
                }
            }
        }
        if (close) {
            Sockets.closeQuietly(socket);
            return false;
        }
        return stillUsed(socket);
    }

    private synchronized boolean stillUsed(Closeable socket) {
        return held.stream().anyMatch(h -> h.socket == socket);
    }
}
