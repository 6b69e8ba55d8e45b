package dev.netsvc.launcher;

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

    /** The {@link Listeners} of one service, for its {@link dev.netsvc.core.ServiceContext}. */
    Listeners forService(String serviceId) {
        return new Listeners() {
            @Override
            public <S extends ServerSocket> S tcp(S unbound, InetSocketAddress address, int backlog) throws IOException {
                @SuppressWarnings("unchecked")
                S shared = (S) take(serviceId, unbound.getClass(), address);
                if (shared != null) {
                    Sockets.closeQuietly(unbound);
                    return shared;
                }
                return add(serviceId, unbound.getClass(), address, Sockets.listenTcp(unbound, address, backlog));
            }

            @Override
            public ServerSocketChannel tcpChannel(InetSocketAddress address, int backlog) throws IOException {
                ServerSocketChannel shared = (ServerSocketChannel) take(serviceId, ServerSocketChannel.class, address);
                if (shared != null) {
                    return shared;
                }
                ServerSocketChannel channel = Listeners.OWN.tcpChannel(address, backlog);
                return add(serviceId, ServerSocketChannel.class, address, channel);
            }

            @Override
            public DatagramChannel udp(InetSocketAddress address) throws IOException {
                DatagramChannel shared = (DatagramChannel) take(serviceId, DatagramChannel.class, address);
                if (shared != null) {
                    return shared;
                }
                return add(serviceId, DatagramChannel.class, address, Listeners.OWN.udp(address));
            }

            @Override
            public AsyncListener tcpAsync(InetSocketAddress address, int backlog, int threads, String name) throws IOException {
                AsyncListener.Socket shared = (AsyncListener.Socket) take(serviceId, AsyncListener.Socket.class, address);
                if (shared != null) {
                    return shared.listener();
                }
                AsyncListener.Socket socket = AsyncListener.Socket.open(address, backlog, threads, name);
                return add(serviceId, AsyncListener.Socket.class, address, socket).listener();
            }

            @Override
            public boolean release(Closeable listener) {
                if (listener instanceof AsyncListener async) {
                    async.close(); // this copy accepts no more; the socket is counted like any other
                    return SharedListeners.this.release(async.socket());
                }
                return SharedListeners.this.release(listener);
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
