package dev.netsvc.launcher.supervisor;

import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.Settings;
import dev.netsvc.core.internal.Listeners;
import dev.netsvc.core.internal.Sockets;
import dev.netsvc.core.udp.UdpHandler;
import dev.netsvc.core.udp.UdpLimits;
import dev.netsvc.core.udp.UdpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Two copies of a service sharing the host's sockets, as a plugin replacement does, over loopback. */
class SharedListenersTest {

    private static final Map<String, String> UNLIMITED = Map.of("udp-rate", "1000000", "udp-burst", "1000000",
            "udp-global-rate", "10000000");

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final SharedListeners shared = new SharedListeners();
    private final List<UdpServer> servers = new ArrayList<>();
    private DatagramChannel client;

    @AfterEach
    void tearDown() {
        servers.forEach(s -> s.stop(Duration.ofSeconds(1)));
        Sockets.closeQuietly(client);
    }

    /** A copy of service "u", configured with port 0 as both copies are, that answers "<name>:<request>". */
    private UdpServer copy(String name, ServiceCounters counters) throws IOException {
        UdpHandler tagged = (request, source, reply) -> {
            reply.put((name + ":").getBytes(StandardCharsets.US_ASCII)).put(request);
            return true;
        };
        ServiceContext context = HostAccess.wire(ServiceContext.builder("u")
                .bind(InetAddress.getLoopbackAddress(), 0)
                .settings(HostAccess.parseSettings("u", UdpLimits.KEYS, UNLIMITED))
                .counters(counters)
                .onFailure(e -> { throw new AssertionError("no copy dies", e); }), shared.forService("u"), Set.of())
                .build();
        UdpServer server = UdpServer.start(context, 64, tagged);
        servers.add(server);
        return server;
    }

    @Test
    void twoCopiesReceiveFromOneUdpSocketEachDatagramOnceAndTheOldOneLeavesWithoutClosingIt() throws IOException {
        ServiceCounters oldCounters = new ServiceCounters();
        ServiceCounters newCounters = new ServiceCounters();
        UdpServer old = copy("old", oldCounters);
        InetSocketAddress address = old.endpoint().address();
        UdpServer next = copy("new", newCounters);
        assertEquals(address, next.endpoint().address(), "the very same socket");
        assertEquals(1, shared.open());
        client = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client.socket().setSoTimeout(5000);

        // a burst while both receive: every datagram answered exactly once, by one copy or the other
        int burst = 200;
        for (int i = 0; i < burst; i++) {
            client.send(ByteBuffer.wrap(Integer.toString(i).getBytes(StandardCharsets.US_ASCII)), address);
        }
        Set<String> numbers = new HashSet<>();
        for (int i = 0; i < burst; i++) {
            String reply = receive();
            assertTrue(numbers.add(reply.substring(reply.indexOf(':') + 1)), "answered once: " + reply);
        }
        assertEquals(burst, numbers.size());
        assertEquals(burst, oldCounters.get("udp.received") + newCounters.get("udp.received"));

        // the old copy stops: the socket stays open and the new copy answers everything from now on
        old.stop(Duration.ofSeconds(1));
        servers.remove(old);
        assertEquals(1, shared.open(), "released without closing");
        for (int i = 0; i < 50; i++) {
            client.send(ByteBuffer.wrap(("after" + i).getBytes(StandardCharsets.US_ASCII)), address);
            assertEquals("new:after" + i, receive());
        }

        // the last user's release closes it: the port is free again
        next.stop(Duration.ofSeconds(1));
        servers.remove(next);
        assertEquals(0, shared.open());
        try (DatagramChannel again = Sockets.bindUdp(address)) {
            assertEquals(address, again.getLocalAddress());
        }
    }

    @Test
    void aCopyOfAnotherServiceOrAddressGetsItsOwnUdpSocket() throws IOException {
        Listeners u = shared.forService("u");
        Listeners uAgain = shared.forService("u"); // a second copy of u
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        DatagramChannel first = u.udp(any);
        try {
            assertSame(first, uAgain.udp(any), "same service and address: shared");
            assertFalse(first.isBlocking(), "non-blocking, so a copy can stop receiving without closing it");
            Listeners v = shared.forService("v");
            DatagramChannel other = v.udp(any);
            assertTrue(other != first, "another service binds its own");
            assertTrue(!v.release(other) && !other.isOpen(), "its only user closed it");
            assertTrue(u.release(first), "still used by the other copy");
            assertTrue(first.isOpen());
        } finally {
            uAgain.release(first);
        }
        assertFalse(first.isOpen(), "the last release closes");
    }

    @Test
    void aNio2ListenerIsSharedByCopyAndTheLastReleaseClosesItsSocket() throws IOException {
        Listeners oldCopy = shared.forService("u"); // each copy of a service has its own, as in the host
        Listeners newCopy = shared.forService("u");
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        dev.netsvc.core.internal.AsyncListener old = oldCopy.tcpAsync(any, 50, 1, "u");
        dev.netsvc.core.internal.AsyncListener next = newCopy.tcpAsync(any, 50, 1, "u");
        assertSame(old.socket(), next.socket(), "the new copy accepts from the old copy's socket");
        assertTrue(oldCopy.release(old), "stays open for the new copy");
        assertTrue(old.socket().isOpen());
        assertFalse(newCopy.release(next));
        assertFalse(next.socket().isOpen(), "the last release closes");
        assertEquals(0, shared.open());
    }

    private String receive() throws IOException {
        byte[] buf = new byte[128];
        var packet = new java.net.DatagramPacket(buf, buf.length);
        try {
            client.socket().receive(packet);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no reply within 5 s", e);
        }
        return new String(buf, 0, packet.getLength(), StandardCharsets.US_ASCII);
    }

    @Test
    void copiesShareOneSocketAndTheLastReleaseClosesIt() throws IOException {
        Listeners old = shared.forService("svc");
        Listeners next = shared.forService("svc");
        ServerSocket a = old.tcp(new ServerSocket(), ANY_PORT, 50);
        ServerSocket b = next.tcp(new ServerSocket(), ANY_PORT, 50);
        assertSame(a, b, "the new copy gets the very socket the old one listens on");
        assertTrue(old.release(a), "stays open for the new copy");
        assertTrue(old.release(a), "a second release by the same copy counts once");
        assertFalse(a.isClosed());
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), a.getLocalPort())) {
            assertTrue(client.isConnected());
        }
        assertFalse(next.release(b), "the last user closes it");
        assertTrue(a.isClosed());
        assertEquals(0, shared.open());
    }

    @Test
    void aHoldKeepsTheSocketOpenUntilItIsLetGo() throws IOException {
        Listeners dying = shared.forService("svc");
        ServerSocket socket = dying.tcp(new ServerSocket(), ANY_PORT, 50);
        Runnable hold = shared.hold(List.of("svc"));
        assertTrue(dying.release(socket), "held: stays open");
        Listeners back = shared.forService("svc");
        assertSame(socket, back.tcp(new ServerSocket(), ANY_PORT, 50), "the version coming back gets it");
        hold.run();
        hold.run(); // once only
        assertFalse(socket.isClosed());
        back.release(socket);
        assertTrue(socket.isClosed());
    }

    @Test
    void aSocketFromTheServiceManagerIsTakenInsteadOfBoundAndOutlivesEveryCopy() throws IOException {
        assumeTrue(dev.netsvc.core.internal.InheritedChannels.get().isPresent(), "Java 22+ with the options of pom.xml");
        var calls = dev.netsvc.core.internal.NativeCalls.get().orElseThrow();
        java.nio.channels.ServerSocketChannel original = java.nio.channels.ServerSocketChannel.open().bind(ANY_PORT);
        InetSocketAddress passedAt = (InetSocketAddress) original.getLocalAddress();
        int fd = calls.dup(calls.descriptor(original).orElseThrow());
        original.close();
        var inherited = dev.netsvc.launcher.systemd.InheritedSockets.adopt(List.of(fd), List.of("echo"), "test");
        inherited.serviceIds(List.of("echo"));
        SharedListeners manager = new SharedListeners(inherited);
        try {
            Listeners first = manager.forService("echo");
            // configured for another port: the socket named after the service wins
            var channel = first.tcpChannel(ANY_PORT, 50);
            assertEquals(passedAt, channel.getLocalAddress());
            assertFalse(channel.isBlocking());
            assertTrue(manager.fromServiceManager(new dev.netsvc.core.Endpoint(dev.netsvc.core.Transport.TCP, passedAt)));
            assertTrue(first.release(channel), "connections end on their own: the next copy or netsvc accepts from it later");
            assertTrue(channel.isOpen(), "the service manager's socket stays open while nobody accepts");
            try (Socket waiting = new Socket(passedAt.getAddress(), passedAt.getPort())) {
                // connected into the queue; a new copy takes the same socket and accepts it
                var again = manager.forService("echo").tcpChannel(ANY_PORT, 50);
                assertSame(channel, again);
                again.configureBlocking(true);
                try (var accepted = again.accept()) {
                    assertEquals(waiting.getLocalSocketAddress(), accepted.getRemoteAddress());
                }
            }
        } finally {
            manager.close();
        }
        try (var rebound = java.nio.channels.ServerSocketChannel.open().bind(passedAt)) {
            assertEquals(passedAt, rebound.getLocalAddress(), "closed at the host's end: the port is free");
        }
    }
}
