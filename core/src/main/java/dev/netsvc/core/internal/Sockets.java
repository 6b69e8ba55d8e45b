package dev.netsvc.core.internal;

import dev.netsvc.core.Transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;

/**
 * Opening listening sockets the same way in every service: address reuse on, a stated backlog, and a
 * {@link BindFailure} that names transport and address when the bind fails.
 */
public final class Sockets {

    /** Listen backlog when a service does not choose one; the kernel caps it at net.core.somaxconn. */
    public static final int DEFAULT_BACKLOG = 1024;

    private Sockets() {
    }

    /** A bound, blocking {@link ServerSocket} (for thread-per-connection servers). */
    public static ServerSocket listenTcp(InetSocketAddress address, int backlog) throws IOException {
        return listenTcp(new ServerSocket(), address, backlog);
    }

    /** Binds {@code unbound}, such as a {@link ServerSocket} subclass that accepts its own kind of socket. */
    public static <S extends ServerSocket> S listenTcp(S unbound, InetSocketAddress address, int backlog) throws IOException {
        return bind(unbound, Transport.TCP, address, server -> {
            server.setReuseAddress(true);
            server.bind(address, backlog);
        });
    }

    /** A bound {@link ServerSocketChannel}, still in blocking mode (for selector and async servers). */
    public static ServerSocketChannel listenTcpChannel(InetSocketAddress address, int backlog) throws IOException {
        return listenTcpChannel(address, backlog, false);
    }

    /**
     * As {@link #listenTcpChannel(InetSocketAddress, int)}; with {@code reusePort}, SO_REUSEPORT: other
     * processes may listen on the same port, and the kernel spreads new connections among them.
     */
    public static ServerSocketChannel listenTcpChannel(InetSocketAddress address, int backlog, boolean reusePort) throws IOException {
        return bind(ServerSocketChannel.open(), Transport.TCP, address, server -> {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            reusePort(server, reusePort);
            server.bind(address, backlog);
        });
    }

    private static void reusePort(NetworkChannel channel, boolean on) throws IOException {
        if (on) {
            channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        }
    }

    /** A bound {@link AsynchronousServerSocketChannel} of {@code group} (for NIO.2 servers). */
    public static AsynchronousServerSocketChannel listenTcpAsync(AsynchronousChannelGroup group, InetSocketAddress address,
                                                                 int backlog) throws IOException {
        return listenTcpAsync(group, address, backlog, false);
    }

    /** As {@link #listenTcpAsync(AsynchronousChannelGroup, InetSocketAddress, int)}, with SO_REUSEPORT when {@code reusePort}. */
    public static AsynchronousServerSocketChannel listenTcpAsync(AsynchronousChannelGroup group, InetSocketAddress address,
                                                                 int backlog, boolean reusePort) throws IOException {
        return bind(AsynchronousServerSocketChannel.open(group), Transport.TCP, address, server -> {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            reusePort(server, reusePort);
            server.bind(address, backlog);
        });
    }

    /** A bound {@link DatagramChannel} of the address's family, in blocking mode. */
    public static DatagramChannel bindUdp(InetSocketAddress address) throws IOException {
        return bindUdp(address, false);
    }

    /** As {@link #bindUdp(InetSocketAddress)}; with {@code reusePort}, other processes may bind the same port. */
    public static DatagramChannel bindUdp(InetSocketAddress address, boolean reusePort) throws IOException {
        DatagramChannel channel = address.getAddress() instanceof java.net.Inet6Address
                ? DatagramChannel.open(StandardProtocolFamily.INET6)
                : DatagramChannel.open(StandardProtocolFamily.INET);
        // no SO_REUSEADDR: on UDP it would let a second process share the port without an error
        return bind(channel, Transport.UDP, address, c -> {
            reusePort(c, reusePort);
            c.bind(address);
        });
    }

    private interface Binding<S> {
        void bind(S socket) throws IOException;
    }

    // Binds, or closes the socket and throws a BindFailure that names transport and address.
    private static <S extends Closeable> S bind(S socket, Transport transport, InetSocketAddress address,
                                                Binding<S> binding) throws IOException {
        try {
            binding.bind(socket);
            return socket;
        } catch (BindException e) {
            closeQuietly(socket);
            throw new BindFailure(transport, address, e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /** Options for an accepted connection: no Nagle delay (request/response protocols), keep-alive on. */
    public static void tuneAccepted(NetworkChannel channel) throws IOException {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
    }

    /** Closes without throwing; for cleanup paths where the first failure is the one to report. */
    public static void closeQuietly(Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException | RuntimeException ignored) {
            // already failing or already closed: nothing useful to add
        }
    }
}
