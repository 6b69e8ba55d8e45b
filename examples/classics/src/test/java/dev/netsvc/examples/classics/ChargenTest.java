package dev.netsvc.examples.classics;

import dev.netsvc.core.net.HostPort;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ClientHarness;
import dev.netsvc.testkit.ManualClock;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChargenTest {

    private static final Duration T = Duration.ofSeconds(5);
    private static final String FIRST = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg";

    @Test
    void theLinesRotateThroughThePrintableCharacters() {
        assertEquals(FIRST + "\r\n", new String(ChargenService.line(0), StandardCharsets.US_ASCII));
        assertEquals(FIRST.substring(1) + "h\r\n", new String(ChargenService.line(1), StandardCharsets.US_ASCII));
        assertEquals(new String(ChargenService.line(0)), new String(ChargenService.line(95)), "95 lines make a cycle");
    }

    @Test
    void tcpStreamsLinesUntilTheClientLeaves() throws Exception {
        try (ServiceHarness chargen = ServiceHarness.of(new ChargenService()).start();
             Socket socket = new Socket(chargen.host(), chargen.tcpPort())) {
            socket.setSoTimeout(5_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            for (int i = 0; i < 200; i++) {
                assertEquals(new String(ChargenService.line(i), StandardCharsets.US_ASCII).strip(), in.readLine().strip());
            }
        }
    }

    @Test
    void udpAnswersEachDatagramWithAtMost512Characters() throws Exception {
        try (ServiceHarness chargen = ServiceHarness.of(new ChargenService()).start();
             DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(5_000);
            socket.send(new DatagramPacket(new byte[1], 1, chargen.udp()));
            DatagramPacket reply = new DatagramPacket(new byte[1024], 1024);
            socket.receive(reply);
            assertTrue(reply.getLength() <= 512, "length " + reply.getLength());
            for (int i = 0; i < reply.getLength(); i++) {
                byte b = reply.getData()[i];
                assertTrue(b == '\r' || b == '\n' || (b >= ' ' && b <= '~'), "printable: " + b);
            }
        }
    }

    @Test
    void udpIsRateLimitedPerSourceByTheGuard() throws Exception {
        // on a clock that stands still, the bucket never refills: exactly the burst is answered
        try (ServiceHarness chargen = ServiceHarness.of(new ChargenService()).clock(new ManualClock(Instant.parse("2026-01-01T00:00:00Z")))
                .set("udp-rate", "1").set("udp-burst", "2").start();
             DatagramSocket socket = new DatagramSocket()) {
            for (int i = 0; i < 10; i++) {
                socket.send(new DatagramPacket(new byte[1], 1, chargen.udp()));
            }
            Await.until(T, () -> "10 datagrams received: " + chargen.counters().snapshot(),
                    () -> chargen.counters().get("udp.received") == 10);
            Await.until(T, () -> "2 answered: " + chargen.counters().snapshot(),
                    () -> chargen.counters().get("udp.replied") == 2);
            assertEquals(8, chargen.counters().get("udp.dropped.rate-limit-source"), () -> chargen.counters().snapshot().toString());
        }
    }

    @Test
    void theClientPrintsTheFirstLines() throws Exception {
        try (ServiceHarness chargen = ServiceHarness.of(new ChargenService()).start()) {
            ClientHarness client = ClientHarness.of(new ChargenClient()).option("lines", "2");
            assertEquals(0, client.run(HostPort.format(chargen.tcp())));
            assertEquals(FIRST + "\n" + FIRST.substring(1) + "h\n", client.out());
        }
    }
}
