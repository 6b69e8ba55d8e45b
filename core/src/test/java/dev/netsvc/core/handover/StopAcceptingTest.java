package dev.netsvc.core.handover;

import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Settings;
import dev.netsvc.core.async.AsyncTcpServer;
import dev.netsvc.core.frame.Framing;
import dev.netsvc.core.frame.Replier;
import dev.netsvc.core.frame.Replies;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.nio.NioOptions;
import dev.netsvc.core.nio.NioTcpServer;
import dev.netsvc.core.udp.UdpLimits;
import dev.netsvc.core.udp.UdpServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host's swap of one instance for a newer one: two copies of a service accept from one listening
 * socket; once the old copy's {@code stopAccepting()} returns, every new connection (and datagram) reaches
 * the new copy, while the old copy's open connections go on until its {@code stop}.
 */
class StopAcceptingTest {

    private static final Framing LINES = Framing.lines(64);
    private static final int NEW_CONNECTIONS = 40;

    enum Engine {
        BLOCKING {
            @Override
            RunningService start(ServiceContext c, Replier r) throws IOException {
                return BlockingTcpServer.start(c, new BlockingTcpServer.Limits(100, Duration.ofMinutes(1)),
                        Replies.blocking(c, LINES, r));
            }
        },
        SELECTOR {
            @Override
            RunningService start(ServiceContext c, Replier r) throws IOException {
                return NioTcpServer.start(c, NioOptions.defaults().withLoops(2), Replies.selector(c, LINES, r));
            }
        },
        ASYNC {
            @Override
            RunningService start(ServiceContext c, Replier r) throws IOException {
                return AsyncTcpServer.start(c, new AsyncTcpServer.Limits(2, 100, Duration.ofMinutes(1), 4096, 1 << 20),
                        Replies.async(c, LINES, r));
            }
        },
        /** The composition core gives plugins: TCP on the selector engine, UDP beside it. */
        TCP_THEN_UDP {
            @Override
            RunningService start(ServiceContext c, Replier r) throws IOException {
                return RunningService.tcpThenUdp(c, t -> SELECTOR.start(t, r),
                        u -> UdpServer.start(u, LINES.maxFrameBytes(), Replies.udp(u, LINES, r)));
            }
        };

        abstract RunningService start(ServiceContext c, Replier r) throws IOException;
    }

    private static ServiceContext context(SharedListeners listeners, int port) {
        return HostAccess.wire(ServiceContext.builder("handover")
                .bind(InetAddress.getLoopbackAddress(), port)
                .settings(HostAccess.parseSettings("handover", UdpLimits.KEYS, Map.of("udp-rate", "1000", "udp-burst", "1000"))),
                listeners, Set.of())
                .build();
    }

    private static Replier says(String name) {
        return Replier.text(request -> name);
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Asks once over {@code s} and returns which copy answered. */
    private static String ask(Socket s, BufferedReader in) throws IOException {
        s.getOutputStream().write("who?\n".getBytes(StandardCharsets.US_ASCII));
        return in.readLine();
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"BLOCKING", "SELECTOR", "ASYNC"})
    void afterStopAcceptingReturnsEveryNewConnectionReachesTheNewCopy(Engine engine) throws IOException {
        SharedListeners listeners = new SharedListeners();
        RunningService old = engine.start(context(listeners, 0), says("old"));
        int port = old.endpoints().get(0).port();
        RunningService fresh = engine.start(context(listeners, port), says("new"));
        try {
            // a connection the old copy took while both accepted
            Socket kept = null;
            BufferedReader keptIn = null;
            for (int i = 0; i < 200 && kept == null; i++) {
                Socket s = connect(port);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                if (ask(s, in).equals("old")) {
                    kept = s;
                    keptIn = in;
                } else {
                    s.close();
                }
            }
            assertNotNull(kept, "the old copy took one of 200 connections while both accepted");

            old.stopAccepting();
            old.stopAccepting(); // harmless

            for (int i = 0; i < NEW_CONNECTIONS; i++) {
                try (Socket s = connect(port)) {
                    assertEquals("new", ask(s, new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.US_ASCII))), "new connection " + i);
                }
            }
            assertEquals("old", ask(kept, keptIn), "the old copy's open connection goes on");

            old.stop(Duration.ofSeconds(2));
            assertEquals(null, keptIn.readLine(), "and ends with the old copy's stop");
            kept.close();
            try (Socket s = connect(port)) {
                assertEquals("new", ask(s, new BufferedReader(new InputStreamReader(s.getInputStream(),
                        StandardCharsets.US_ASCII))), "the socket stayed open for the new copy");
            }
        } finally {
            old.stop(Duration.ZERO);
            fresh.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void afterStopAcceptingEveryNewDatagramReachesTheNewCopy() throws IOException {
        SharedListeners listeners = new SharedListeners();
        AtomicInteger oldAnswered = new AtomicInteger();
        UdpServer old = UdpServer.start(context(listeners, 0), 16, (request, source, reply) -> {
            oldAnswered.incrementAndGet();
            reply.put("old".getBytes(StandardCharsets.US_ASCII));
            return true;
        });
        int port = old.endpoint().port();
        UdpServer fresh = UdpServer.start(context(listeners, port), 16, (request, source, reply) -> {
            reply.put("new".getBytes(StandardCharsets.US_ASCII));
            return true;
        });
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            client.setSoTimeout(5_000);
            old.stopAccepting();
            old.stopAccepting(); // harmless
            int before = oldAnswered.get();
            for (int i = 0; i < NEW_CONNECTIONS; i++) {
                assertEquals("new", datagram(client, "who?"), "datagram " + i);
            }
            assertEquals(before, oldAnswered.get(), "the old copy received nothing more");
        } finally {
            old.stop(Duration.ZERO);
            fresh.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void tcpThenUdpStopsAcceptingOnBoth() throws IOException {
        SharedListeners listeners = new SharedListeners();
        RunningService old = Engine.TCP_THEN_UDP.start(context(listeners, 0), says("old"));
        int port = old.endpoints().get(0).port();
        assertEquals(port, old.endpoints().get(1).port(), "UDP on the port TCP got");
        RunningService fresh = Engine.TCP_THEN_UDP.start(context(listeners, port), says("new"));
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            client.setSoTimeout(5_000);
            old.stopAccepting();
            for (int i = 0; i < NEW_CONNECTIONS; i++) {
                assertEquals("new\r\n", datagram(client, "who?"), "datagram " + i);
                try (Socket s = connect(port)) {
                    assertEquals("new", ask(s, new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.US_ASCII))), "connection " + i);
                }
            }
        } finally {
            old.stop(Duration.ZERO);
            fresh.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void ofRunsEachActionOnce() {
        AtomicInteger stoppedAccepting = new AtomicInteger();
        AtomicInteger stopped = new AtomicInteger();
        RunningService s = RunningService.of(List.of(), stoppedAccepting::incrementAndGet, grace -> stopped.incrementAndGet());
        s.stopAccepting();
        s.stopAccepting();
        s.stop(Duration.ZERO);
        s.stop(Duration.ZERO);
        assertEquals(1, stoppedAccepting.get());
        assertEquals(1, stopped.get());
        assertTrue(RunningService.of(List.of(), grace -> { }).endpoints().isEmpty());
    }

    private static String datagram(DatagramSocket client, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(bytes, bytes.length));
        DatagramPacket reply = new DatagramPacket(new byte[64], 64);
        client.receive(reply);
        return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
    }
}
