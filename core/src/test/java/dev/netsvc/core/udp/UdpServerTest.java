package dev.netsvc.core.udp;

import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.Settings;
import dev.netsvc.core.internal.BindFailure;
import dev.netsvc.core.internal.Sockets;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The serving loop over loopback with real datagrams. */
class UdpServerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final UdpHandler ECHO = (request, source, reply) -> {
        reply.put(request);
        return true;
    };

    private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final ServiceCounters counters = new ServiceCounters();
    private UdpServer server;
    private DatagramChannel client;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop(Duration.ofSeconds(1));
        }
        Sockets.closeQuietly(client);
    }

    private ServiceContext context(Map<String, String> settings) {
        return ServiceContext.builder("udptest")
                .bind(InetAddress.getLoopbackAddress(), 0)
                .settings(HostAccess.parseSettings("udptest", UdpLimits.KEYS, settings))
                .counters(counters)
                .clock(clock)
                .build();
    }

    private UdpServer start(Map<String, String> settings, int maxReply, UdpHandler handler) throws IOException {
        server = UdpServer.start(context(settings), maxReply, handler);
        client = DatagramChannel.open();
        client.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)); // an ephemeral port, >= 1024
        return server;
    }

    @Test
    void echoesEveryDatagramByteExactUpToTheLargestUdpPayload() throws IOException {
        start(Map.of(), 65_507, ECHO);
        Random random = new Random(865);
        for (int size : new int[] {0, 1, 512, 1472, 9000, 65_507}) {
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            assertArrayEquals(payload, ask(payload), "size " + size);
        }
        Await.until(WAIT, "6 replies counted", () -> counters.get("udp.replied") == 6); // counted just after the send
    }

    @Test
    void aHandlerMayAnswerNothingAndTheServerGoesOn() throws IOException {
        start(Map.of(), 16, (request, source, reply) -> {
            if (request.remaining() == 0) {
                return false;
            }
            reply.put(request);
            return true;
        });
        send(new byte[0]);
        Await.until(WAIT, "the empty datagram was received", () -> counters.get("udp.received") == 1);
        assertArrayEquals(bytes("next"), ask(bytes("next")), "the first answer is the second request's");
        Await.until(WAIT, "the reply is counted", () -> counters.get("udp.replied") == 1); // counted just after the send
    }

    @Test
    void aReplyLargerThanPromisedIsNeverSentAndOthersAreServed() throws IOException {
        start(Map.of(), 4, ECHO);
        send(bytes("too long"));
        Await.until(WAIT, "the failure is counted", () -> counters.get("udp.failed") == 1);
        assertArrayEquals(bytes("ok"), ask(bytes("ok")));
        Await.until(WAIT, "the reply is counted", () -> counters.get("udp.replied") == 1); // counted just after the send
    }

    @Test
    void aThrowingHandlerLosesOneReplyOnly() throws IOException {
        start(Map.of(), 16, (request, source, reply) -> {
            if (request.get(0) == 'x') {
                throw new IllegalStateException("boom");
            }
            reply.put(request);
            return true;
        });
        send(bytes("x"));
        Await.until(WAIT, "the failure is counted", () -> counters.get("udp.failed") == 1);
        assertArrayEquals(bytes("y"), ask(bytes("y")));
    }

    @Test
    void theRateLimitDropsWithoutSleepingAndRecoversWhenTimePasses() throws IOException {
        start(Map.of("udp-rate", "1", "udp-burst", "2"), 16, ECHO);
        assertArrayEquals(bytes("1"), ask(bytes("1")));
        assertArrayEquals(bytes("2"), ask(bytes("2")));
        send(bytes("3"));
        Await.until(WAIT, "the third is dropped", () -> counters.get("udp.dropped.rate-limit-source") == 1);
        clock.advance(Duration.ofSeconds(1));
        assertArrayEquals(bytes("4"), ask(bytes("4")), "one token a second later; '3' was never answered");
        Await.until(WAIT, "3 replies counted", () -> counters.get("udp.replied") == 3); // counted just after the send
        assertEquals(4, counters.get("udp.received"));
    }

    @Test
    void aDatagramFromTheServicesOwnPortIsALoopAndIsDropped() throws IOException {
        start(Map.of(), 16, ECHO);
        int port = server.endpoint().port();
        // another loopback address may bind the same port number: the datagram looks like it comes from
        // a twin of this service, and answering would ping-pong forever
        try (DatagramChannel twin = DatagramChannel.open()) {
            twin.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), port));
            twin.send(ByteBuffer.wrap(bytes("ping")), server.endpoint().address());
            Await.until(WAIT, "the loop is counted", () -> counters.get("udp.dropped.loop") == 1);
        }
        assertArrayEquals(bytes("ok"), ask(bytes("ok")), "an ordinary client is still answered");
        Await.until(WAIT, "the reply is counted", () -> counters.get("udp.replied") == 1); // counted just after the send
    }

    @Test
    void stopEndsTheThreadAndFreesThePort() throws IOException, InterruptedException {
        start(Map.of(), 16, ECHO);
        InetSocketAddress address = server.endpoint().address();
        long t0 = System.nanoTime();
        server.stop(Duration.ofSeconds(5));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos(), "an idle server stops at once");
        assertFalse(threadAlive("udptest-udp"), "the receive thread has ended");
        try (DatagramChannel again = Sockets.bindUdp(address)) {
            assertEquals(address.getPort(), ((InetSocketAddress) again.getLocalAddress()).getPort());
        }
        server.stop(Duration.ofSeconds(1)); // harmless twice
        server = null;
    }

    @Test
    void aSocketClosedBySomeoneElseIsTheServicesDeath() throws IOException {
        java.util.concurrent.atomic.AtomicReference<DatagramChannel> handedOut = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> death = new java.util.concurrent.atomic.AtomicReference<>();
        dev.netsvc.core.internal.Listeners recording = new dev.netsvc.core.internal.Listeners() {
            @Override
            public <S extends java.net.ServerSocket> S tcp(S unbound, InetSocketAddress address, int backlog) throws IOException {
                return OWN.tcp(unbound, address, backlog);
            }

            @Override
            public java.nio.channels.ServerSocketChannel tcpChannel(InetSocketAddress address, int backlog) throws IOException {
                return OWN.tcpChannel(address, backlog);
            }

            @Override
            public dev.netsvc.core.internal.AsyncListener tcpAsync(InetSocketAddress address, int backlog, int threads, String name)
                    throws IOException {
                return OWN.tcpAsync(address, backlog, threads, name);
            }

            @Override
            public DatagramChannel udp(InetSocketAddress address) throws IOException {
                handedOut.set(OWN.udp(address));
                return handedOut.get();
            }

            @Override
            public boolean release(java.io.Closeable listener) {
                return OWN.release(listener);
            }
        };
        server = UdpServer.start(HostAccess.wire(ServiceContext.builder("udptest")
                .bind(InetAddress.getLoopbackAddress(), 0)
                .settings(Settings.defaults("udptest", UdpLimits.KEYS))
                .onFailure(death::set), recording, Set.of())
                .build(), 16, ECHO);
        assertFalse(handedOut.get().isBlocking(), "non-blocking, so stop need not close it");
        handedOut.get().close();
        Await.until(WAIT, "the service died", () -> death.get() != null);
        assertTrue(death.get().getMessage().contains("was closed"), death.get().toString());
    }

    @Test
    void aPortInUseIsABindFailureNamingUdp() throws IOException {
        try (DatagramChannel taken = Sockets.bindUdp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            ServiceContext ctx = ServiceContext.builder("udptest")
                    .bind(InetAddress.getLoopbackAddress(), ((InetSocketAddress) taken.getLocalAddress()).getPort())
                    .settings(Settings.defaults("udptest", UdpLimits.KEYS))
                    .build();
            BindFailure failure = assertThrows(BindFailure.class, () -> UdpServer.start(ctx, 16, ECHO));
            assertEquals("udp", failure.transport().label());
        }
    }

    @Test
    void limitsMustBeDeclaredByTheService() {
        ServiceContext undeclared = ServiceContext.builder("udptest").settings(Settings.defaults("udptest", java.util.List.of())).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UdpServer.start(undeclared, 16, ECHO));
        assertTrue(e.getMessage().contains("udp-rate"), e.getMessage());
    }

    private void send(byte[] payload) throws IOException {
        // unconnected on purpose: a connected channel silently sends nothing for an empty buffer
        client.send(ByteBuffer.wrap(payload), server.endpoint().address());
    }

    private byte[] ask(byte[] payload) throws IOException {
        send(payload);
        return receive();
    }

    private byte[] receive() throws IOException {
        var socket = client.socket();
        socket.setSoTimeout((int) WAIT.toMillis());
        byte[] buf = new byte[65_536];
        var packet = new java.net.DatagramPacket(buf, buf.length);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no reply within " + WAIT.toMillis() + " ms; counters " + counters.snapshot());
        }
        return Arrays.copyOf(buf, packet.getLength());
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

}
