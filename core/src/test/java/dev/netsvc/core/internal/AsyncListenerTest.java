package dev.netsvc.core.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.AcceptPendingException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ShutdownChannelGroupException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two copies sharing one NIO.2 listening socket, over loopback. */
class AsyncListenerTest {

    private final AsyncListener.Socket socket = open();
    private final java.util.List<Socket> clients = new java.util.ArrayList<>();

    private static AsyncListener.Socket open() {
        try {
            return AsyncListener.Socket.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50, 2, "alt");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void tearDown() {
        clients.forEach(Sockets::closeQuietly);
        socket.close();
    }

    /** One accept's outcome. */
    private static final class Next implements CompletionHandler<AsynchronousSocketChannel, Void> {
        final CompletableFuture<AsynchronousSocketChannel> connection = new CompletableFuture<>();

        @Override
        public void completed(AsynchronousSocketChannel c, Void unused) {
            connection.complete(c);
        }

        @Override
        public void failed(Throwable t, Void unused) {
            connection.completeExceptionally(t);
        }

        /** The accepted peer's port. */
        int remotePort() throws Exception {
            return ((InetSocketAddress) connection.get(5, TimeUnit.SECONDS).getRemoteAddress()).getPort();
        }
    }

    /** Connects a client to {@code to}; returns the client's port. */
    private int connect(AsyncListener to) throws IOException {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), to.localAddress().getPort());
        clients.add(client);
        return client.getLocalPort();
    }

    @Test
    void eachConnectionGoesToTheCopyThatAskedAndALeavingCopyGetsNothingMore() throws Exception {
        AsyncListener old = socket.listener();
        AsyncListener next = socket.listener();
        assertEquals(old.localAddress(), next.localAddress(), "one socket");

        Next first = new Next();
        old.accept(first);
        assertThrows(AcceptPendingException.class, () -> old.accept(new Next()), "one request at a time");
        assertEquals(connect(old), first.remotePort());

        Next dropped = new Next();
        old.accept(dropped);
        old.close(); // leaves with a request waiting: it is dropped, the socket stays open
        assertThrows(ShutdownChannelGroupException.class, () -> old.accept(new Next()));
        int port = connect(next);
        Next taken = new Next();
        next.accept(taken);
        assertEquals(port, taken.remotePort(), "the connection waited for the copy that goes on");
        assertFalse(dropped.connection.isDone(), "nothing for the copy that left");
        assertTrue(socket.isOpen());
    }

    @Test
    void closingTheSocketEndsListeningButNotTheConnectionsAlreadyAccepted() throws Exception {
        AsyncListener only = socket.listener();
        Next accepted = new Next();
        only.accept(accepted);
        connect(only);
        AsynchronousSocketChannel connection = accepted.connection.get(5, TimeUnit.SECONDS);
        int port = only.localAddress().getPort();
        only.close();
        socket.close();
        assertFalse(socket.isOpen());
        assertThrows(java.net.ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
        clients.get(0).getOutputStream().write('x');
        var buffer = java.nio.ByteBuffer.allocate(1);
        assertEquals(1, connection.read(buffer).get(5, TimeUnit.SECONDS), "the accepted connection still works");
        connection.close();
    }
}
