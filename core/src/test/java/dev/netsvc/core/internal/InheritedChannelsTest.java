package dev.netsvc.core.internal;

import dev.netsvc.core.internal.AsyncListener;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Sockets that arrive as bare descriptors, as systemd passes them, become working channels: each test
 * opens a real socket, keeps only a duplicate of its descriptor (the way a service manager holds one) and
 * adopts that.
 */
class InheritedChannelsTest {

    private NativeCalls calls;
    private InheritedChannels adoption;

    @BeforeEach
    void available() {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"));
        assumeTrue(Runtime.version().feature() >= 22);
        calls = NativeCalls.get().orElseThrow(() -> new AssertionError("native calls, with the options of pom.xml"));
        adoption = InheritedChannels.get().orElseThrow(() -> new AssertionError("sun.nio.ch opened by pom.xml's argLine"));
    }

    // A listening socket's descriptor, its channel closed: what a service manager hands over
    private int bareTcp(InetSocketAddress address) throws IOException {
        try (ServerSocketChannel original = ServerSocketChannel.open()) {
            original.bind(address);
            return duplicate(original);
        }
    }

    private int duplicate(java.nio.channels.Channel channel) {
        int fd = calls.dup(calls.descriptor(channel).orElseThrow());
        assertTrue(fd > 2, "a new descriptor");
        return fd;
    }

    private static InetSocketAddress loopback4() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    @Test
    void aListeningDescriptorAcceptsAsAServerSocketChannelAtItsOwnAddress() throws IOException {
        int fd;
        InetSocketAddress bound;
        try (ServerSocketChannel original = ServerSocketChannel.open()) {
            original.bind(loopback4());
            bound = (InetSocketAddress) original.getLocalAddress();
            fd = duplicate(original);
        }
        try (ServerSocketChannel adopted = adoption.serverSocket(fd, StandardProtocolFamily.INET);
             SocketChannel client = SocketChannel.open(bound)) {
            assertEquals(bound, adopted.getLocalAddress(), "bound where the descriptor is");
            try (SocketChannel accepted = adopted.accept()) {
                accepted.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer in = ByteBuffer.allocate(16);
                client.read(in);
                assertEquals("hello", new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
            }
        }
        assertTrue(calls.socketOption(fd, 1, 3).isEmpty(), "the inherited descriptor itself was closed (SO_TYPE fails)");
    }

    @Test
    void anIpv4DatagramDescriptorAnswersAnIpv4Client() throws IOException {
        int fd;
        InetSocketAddress bound;
        try (DatagramChannel original = DatagramChannel.open(StandardProtocolFamily.INET)) {
            original.bind(loopback4());
            bound = (InetSocketAddress) original.getLocalAddress();
            fd = duplicate(original);
        }
        try (DatagramChannel adopted = adoption.datagram(fd, StandardProtocolFamily.INET);
             DatagramChannel client = DatagramChannel.open(StandardProtocolFamily.INET)) {
            assertEquals(bound, adopted.getLocalAddress());
            client.send(ByteBuffer.wrap(new byte[] {1}), bound);
            ByteBuffer in = ByteBuffer.allocate(8);
            var from = adopted.receive(in);
            // the JDK would take the socket for IPv6 and fail this reply with EAFNOSUPPORT
            adopted.send(ByteBuffer.wrap(new byte[] {2}), from);
            in.clear();
            client.receive(in);
            assertEquals(2, in.get(0));
        }
    }

    @Test
    void anIpv6ListeningDescriptorKeepsItsAddress() throws IOException {
        InetSocketAddress any6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        int fd;
        InetSocketAddress bound;
        try (ServerSocketChannel original = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            try {
                original.bind(any6);
            } catch (IOException e) {
                assumeTrue(false, "no IPv6 loopback here: " + e.getMessage());
            }
            bound = (InetSocketAddress) original.getLocalAddress();
            fd = duplicate(original);
        }
        try (ServerSocketChannel adopted = adoption.serverSocket(fd, StandardProtocolFamily.INET6);
             SocketChannel client = SocketChannel.open(bound);
             SocketChannel accepted = adopted.accept()) {
            assertEquals(bound, adopted.getLocalAddress());
            assertEquals(client.getLocalAddress(), accepted.getRemoteAddress());
        }
    }

    @Test
    void anNio2ServerAcceptsFromAnInheritedSocket() throws Exception {
        int fd = bareTcp(loopback4());
        ServerSocketChannel adopted = adoption.serverSocket(fd, StandardProtocolFamily.INET);
        InetSocketAddress bound = (InetSocketAddress) adopted.getLocalAddress();
        AsyncListener.Socket socket = AsyncListener.Socket.adopt(adopted, 1, "adopted");
        try {
            assertFalse(adopted.isOpen(), "the NIO.2 channel took the socket over");
            assertEquals(bound, socket.listener().localAddress());
            CompletableFuture<AsynchronousSocketChannel> accepted = new CompletableFuture<>();
            socket.listener().accept(new CompletionHandler<>() {
                @Override
                public void completed(AsynchronousSocketChannel connection, Void unused) {
                    accepted.complete(connection);
                }

                @Override
                public void failed(Throwable t, Void unused) {
                    accepted.completeExceptionally(t);
                }
            });
            try (SocketChannel client = SocketChannel.open(bound);
                 AsynchronousSocketChannel connection = accepted.get(10, TimeUnit.SECONDS)) {
                connection.write(ByteBuffer.wrap(new byte[] {42})).get(10, TimeUnit.SECONDS);
                ByteBuffer in = ByteBuffer.allocate(1);
                client.read(in);
                assertEquals(42, in.get(0));
            }
        } finally {
            socket.close();
        }
    }
}
