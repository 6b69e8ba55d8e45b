package dev.netsvc.core.handover;

import dev.netsvc.core.internal.AsyncListener;
import dev.netsvc.core.internal.Listeners;
import dev.netsvc.core.internal.Sockets;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;

/**
 * Listening sockets shared by every copy of a service started with it, as the host shares them across a
 * plugin replacement: the first copy binds, the others get the same socket, and it closes when the last
 * one gives it back. One socket per kind (tests use one address).
 */
final class SharedListeners implements Listeners {

    private ServerSocketChannel tcp;
    private int tcpUsers;
    private DatagramChannel udp;
    private int udpUsers;
    private AsyncListener.Socket async;
    private int asyncUsers;

    @Override
    public <S extends ServerSocket> S tcp(S unbound, InetSocketAddress address, int backlog) {
        throw new UnsupportedOperationException("core's engines use channels");
    }

    @Override
    public synchronized ServerSocketChannel tcpChannel(InetSocketAddress address, int backlog) throws IOException {
        if (tcp == null) {
            tcp = OWN.tcpChannel(address, backlog);
        }
        tcpUsers++;
        return tcp;
    }

    @Override
    public synchronized DatagramChannel udp(InetSocketAddress address) throws IOException {
        if (udp == null) {
            udp = OWN.udp(address);
        }
        udpUsers++;
        return udp;
    }

    @Override
    public synchronized AsyncListener tcpAsync(InetSocketAddress address, int backlog, int threads, String name)
            throws IOException {
        if (async == null) {
            async = AsyncListener.Socket.open(address, backlog, threads, name);
        }
        asyncUsers++;
        return async.listener();
    }

    @Override
    public synchronized boolean release(Closeable listener) {
        if (listener == tcp) {
            return --tcpUsers > 0 || close(tcp);
        }
        if (listener == udp) {
            return --udpUsers > 0 || close(udp);
        }
        if (listener instanceof AsyncListener copy) {
            copy.close();
            return --asyncUsers > 0 || close(async);
        }
        throw new IllegalArgumentException("not shared here: " + listener);
    }

    private static boolean close(Closeable socket) {
        Sockets.closeQuietly(socket);
        return false;
    }
}
