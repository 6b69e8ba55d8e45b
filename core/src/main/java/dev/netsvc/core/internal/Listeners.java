package dev.netsvc.core.internal;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;

/**
 * Where a service's engine gets its listening TCP socket or its UDP socket, and where it gives it back
 * when it stops accepting or receiving. {@link #OWN} binds a new socket and closes it on release. The launcher's host instead keeps
 * listening sockets across a plugin replacement: the new version of a service gets the very socket the
 * old version listens on, both accept from it for a moment, then the old one releases it without
 * closing, so the port never closes and no connection waiting in its accept queue is lost.
 *
 * <p>A socket from {@link #tcp} or {@link #tcpChannel} may be shared with another running copy of the
 * same service: never close it (call {@link #release}), never change its blocking mode back to blocking,
 * and stop accepting without closing it (an accept timeout, or cancelling a selection key).
 *
 * <p>The same holds for a UDP socket from {@link #udp}: while two copies receive from it, the kernel gives
 * each datagram to exactly one of them, and a datagram nobody has received yet waits in the socket's
 * buffer for the copy that goes on. So a copy must stop receiving without closing the socket; as
 * interrupting a thread blocked in a channel closes the channel, the socket is non-blocking and a copy
 * waits on a {@link java.nio.channels.Selector} of its own, which it wakes up to stop.
 *
 * <p>NIO.2 servers get an {@link AsyncListener} from {@link #tcpAsync} instead of a channel: the socket and
 * its channel group stay with the host, which hands each accepted connection to one copy (see there why).
 */
public interface Listeners {

    /**
     * A bound {@link ServerSocket}: {@code unbound} after binding it to {@code address}, or a socket of
     * the same class the host already holds for this service and address (then {@code unbound} is closed).
     */
    <S extends ServerSocket> S tcp(S unbound, InetSocketAddress address, int backlog) throws IOException;

    /** A bound {@link ServerSocketChannel} in non-blocking mode, new or held by the host. */
    ServerSocketChannel tcpChannel(InetSocketAddress address, int backlog) throws IOException;

    /**
     * A bound {@link DatagramChannel} of the address's family in non-blocking mode, new or held by the host
     * for this service and address. Register it with a selector of your own; never make it blocking.
     */
    DatagramChannel udp(InetSocketAddress address) throws IOException;

    /**
     * A listening NIO.2 socket of {@code backlog}, new or held by the host for this service and address,
     * as seen by this copy. Its connections belong to the socket's channel group of {@code threads}
     * threads named {@code name-io-N}; a socket already held keeps the group it was opened with.
     */
    AsyncListener tcpAsync(InetSocketAddress address, int backlog, int threads, String name) throws IOException;

    /**
     * The engine no longer accepts (or receives) from {@code listener}, a socket or an {@link AsyncListener}
     * from here; it is closed unless another copy still uses it. Returns true when it stays open because a
     * replacing copy of the service accepts from it: the engine then lets its open connections finish by
     * themselves within the grace (their clients are in the middle of something; new clients already
     * reach the new copy) before it cuts them short.
     */
    boolean release(Closeable listener);

    /** Every service binds its own sockets and closes them when it stops. */
    Listeners OWN = new Listeners() {
        @Override
        public <S extends ServerSocket> S tcp(S unbound, InetSocketAddress address, int backlog) throws IOException {
            return Sockets.listenTcp(unbound, address, backlog);
        }

        @Override
        public ServerSocketChannel tcpChannel(InetSocketAddress address, int backlog) throws IOException {
            return nonBlocking(Sockets.listenTcpChannel(address, backlog));
        }

        @Override
        public DatagramChannel udp(InetSocketAddress address) throws IOException {
            return nonBlocking(Sockets.bindUdp(address));
        }

        @Override
        public AsyncListener tcpAsync(InetSocketAddress address, int backlog, int threads, String name) throws IOException {
            return AsyncListener.Socket.open(address, backlog, threads, name).listener();
        }

        @Override
        public boolean release(Closeable listener) {
            Sockets.closeQuietly(listener);
            if (listener instanceof AsyncListener async) {
                async.socket().close();
            }
            return false;
        }
    };

    // A freshly bound channel made non-blocking, or closed when that fails.
    private static <C extends SelectableChannel> C nonBlocking(C channel) throws IOException {
        try {
            channel.configureBlocking(false);
            return channel;
        } catch (IOException | RuntimeException e) {
            Sockets.closeQuietly(channel);
            throw e;
        }
    }
}
