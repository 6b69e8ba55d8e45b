package dev.netsvc.launcher.supervisor;

import dev.netsvc.core.Endpoint;
import dev.netsvc.core.Transport;
import dev.netsvc.core.internal.AsyncListener;
import dev.netsvc.core.internal.Listeners;
import dev.netsvc.core.internal.Sockets;
import dev.netsvc.launcher.systemd.InheritedSocket;
import dev.netsvc.launcher.systemd.InheritedSockets;

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
 * when its last user releases it.
 *
 * <p>A socket the service manager passed in ({@link InheritedSockets}) is taken instead of binding one,
 * and is never closed before the host's end ({@link #close}): a service stopped, restarted or swapped leaves
 * its connections waiting in the socket's queue, as they wait in the manager's copy while netsvc restarts.
 * A service takes it again whatever address it asks for when it is the one the socket is named after.
 * Thread-safe.
 */
final class SharedListeners {

    private static final class Held {
        final String serviceId;
        final Class<?> kind;
        final InetSocketAddress requested;
        final Closeable socket;
        final InheritedSocket inherited; // null: bound by the host
        int users = 1;

        Held(String serviceId, Class<?> kind, InetSocketAddress requested, Closeable socket, InheritedSocket inherited) {
            this.serviceId = serviceId;
            this.kind = kind;
            this.requested = requested;
            this.socket = socket;
            this.inherited = inherited;
        }

        boolean matches(String id, Class<?> k, InetSocketAddress address) {
            if (!serviceId.equals(id) || kind != k) {
                return false;
            }
            return requested.equals(address) || (inherited != null && inherited.name().equals(id));
        }
    }

    private final List<Held> held = new ArrayList<>();
    private final InheritedSockets inherited;

    SharedListeners() {
        this(InheritedSockets.NONE);
    }

    SharedListeners(InheritedSockets inherited) {
        this.inherited = inherited;
    }

    /** Binds a socket the host does not hold yet. */
    private interface Opener<S> {
        S open() throws IOException;
    }

    /** Makes the socket a service takes of one the service manager passed in. */
    private interface Adopter<S> {
        S adopt(InheritedSocket socket) throws IOException;
    }

    /**
     * The {@link Listeners} of one supervised service, for its {@link dev.netsvc.core.ServiceContext}. It
     * counts each socket once however often the service releases it (an engine that lost its accept loop
     * and is then stopped releases twice).
     */
    Listeners forService(String serviceId) {
        return forService(serviceId, false);
    }

    /** As {@link #forService(String)}; the sockets it binds itself have SO_REUSEPORT when {@code reusePort}. */
    Listeners forService(String serviceId, boolean reusePort) {
        java.util.Set<Closeable> mine = java.util.Collections.synchronizedSet(
                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        return new Listeners() {
            // the socket of this kind and address the host holds for the service, else the one the service
            // manager passed in for it, else a new one from open
            private <S extends Closeable> S shared(Class<?> kind, Transport transport, InetSocketAddress address,
                                                   Adopter<S> adopt, Opener<S> open) throws IOException {
                @SuppressWarnings("unchecked")
                S socket = (S) take(serviceId, kind, address);
                if (socket == null) {
                    InheritedSocket passed = transport == null ? null : inherited.claim(serviceId, transport, address).orElse(null);
                    socket = passed != null ? add(serviceId, kind, address, adopt.adopt(passed), passed)
                            : add(serviceId, kind, address, open.open(), null);
                }
                mine.add(socket);
                return socket;
            }

            @Override
            public <S extends ServerSocket> S tcp(S unbound, InetSocketAddress address, int backlog) throws IOException {
                // a socket of the service's own class: one passed in cannot be one
                S socket = shared(unbound.getClass(), null, address, null, () -> Sockets.listenTcp(unbound, address, backlog));
                if (socket != unbound) {
                    Sockets.closeQuietly(unbound);
                }
                return socket;
            }

            @Override
            public ServerSocketChannel tcpChannel(InetSocketAddress address, int backlog) throws IOException {
                return shared(ServerSocketChannel.class, Transport.TCP, address,
                        passed -> nonBlocking((ServerSocketChannel) passed.channel()),
                        () -> nonBlocking(Sockets.listenTcpChannel(address, backlog, reusePort)));
            }

            @Override
            public DatagramChannel udp(InetSocketAddress address) throws IOException {
                return shared(DatagramChannel.class, Transport.UDP, address,
                        passed -> nonBlocking((DatagramChannel) passed.channel()),
                        () -> nonBlocking(Sockets.bindUdp(address, reusePort)));
            }

            @Override
            public AsyncListener tcpAsync(InetSocketAddress address, int backlog, int threads, String name) throws IOException {
                AsyncListener.Socket socket = shared(AsyncListener.Socket.class, Transport.TCP, address,
                        passed -> AsyncListener.Socket.adopt((ServerSocketChannel) passed.channel(), threads, name),
                        () -> AsyncListener.Socket.open(address, backlog, threads, name, reusePort));
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
            if (h.matches(serviceId, kind, address)) {
                h.users++;
                return h.socket;
            }
        }
        return null;
    }

    private synchronized <S extends Closeable> S add(String serviceId, Class<?> kind, InetSocketAddress address, S socket,
                                                     InheritedSocket inherited) {
        held.add(new Held(serviceId, kind, address, socket, inherited));
        return socket;
    }

    // non-blocking, as Listeners promises; closed when that fails
    private static <C extends java.nio.channels.SelectableChannel> C nonBlocking(C channel) throws IOException {
        try {
            channel.configureBlocking(false);
            return channel;
        } catch (IOException e) {
            Sockets.closeQuietly(channel);
            throw e;
        }
    }

    /** Whether the socket of a service's {@code endpoint} came from the service manager. */
    boolean fromServiceManager(Endpoint endpoint) {
        return inherited.isInherited(endpoint.transport(), endpoint.address());
    }

    /** Closes the sockets the service manager passed in, at the host's end (every other one closed with its last user). */
    void close() {
        List<Closeable> passed = new ArrayList<>();
        synchronized (this) {
            for (java.util.Iterator<Held> i = held.iterator(); i.hasNext(); ) {
                Held h = i.next();
                if (h.inherited != null) {
                    passed.add(h.socket);
                    i.remove();
                }
            }
        }
        passed.forEach(Sockets::closeQuietly);
        inherited.close();
    }

    // true when the socket stays open for another user
    private boolean release(Closeable socket) {
        boolean close;
        boolean used;
        synchronized (this) {
            Held found = null;
            for (Held h : held) {
                if (h.socket == socket) {
                    found = h;
                    break;
                }
            }
            if (found == null) {
                return false; // already closed when its last user released it
            }
            found.users--;
            // one passed in stays open for the whole run, and someone accepts from it later: another copy,
            // or the next netsvc the service manager starts; either way the connections open now end on
            // their own within the grace, as in a swap, rather than cut while their request is on its way
            used = found.users > 0 || found.inherited != null;
            close = !used;
            if (close) {
                held.remove(found);
            }
        }
        if (close) {
            Sockets.closeQuietly(socket);
        }
        return used;
    }

    private synchronized boolean stillUsed(Closeable socket) {
        return held.stream().anyMatch(h -> h.socket == socket && h.users > 0);
    }
}
