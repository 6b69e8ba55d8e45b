package dev.netsvc.qotd;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.net.SocketIo;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** qotd over real UDP and TCP sockets on loopback. */
class QotdServiceTest {

    private static final String QUOTES = "First quote.\n%\nSecond quote,\n\t-- on two lines\n%\nThird quote.\n";
    private static final List<String> WIRE = List.of("First quote.\r\n", "Second quote,\r\n\t-- on two lines\r\n", "Third quote.\r\n");

    private final ManualClock clock = new ManualClock(Instant.parse("2025-03-01T12:00:00Z"));

    @TempDir
    Path home;

    private ServiceHarness qotd(String mode) throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/quotes.txt"), QUOTES);
        return ServiceHarness.of(new QotdService()).home(home).clock(clock).set("mode", mode).start();
    }

    @Test
    void dailyGivesEveryoneTheSameQuoteAllDayOverBothTransports() throws IOException {
        try (ServiceHarness qotd = qotd("daily"); DatagramSocket client = udpClient()) {
            String today = udp(client, qotd.udp());
            assertTrue(WIRE.contains(today), today);
            assertEquals(today, tcp(qotd.tcp()));
            clock.advance(Duration.ofHours(11)); // 23:00 UTC, same day
            assertEquals(today, udp(client, qotd.udp()));
            clock.advance(Duration.ofHours(1)); // midnight UTC
            String tomorrow = udp(client, qotd.udp());
            assertNotEquals(today, tomorrow);
            assertEquals(WIRE.get((WIRE.indexOf(today) + 1) % WIRE.size()), tomorrow, "walks through the file");
        }
    }

    @Test
    void randomGivesQuotesFromTheFile() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/quotes.txt"), QUOTES);
        try (ServiceHarness qotd = ServiceHarness.of(new QotdService()).home(home).set("mode", "random")
                .set("udp-burst", "100").start();
             DatagramSocket client = udpClient()) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                seen.add(udp(client, qotd.udp()));
            }
            assertTrue(WIRE.containsAll(seen), seen::toString);
            assertTrue(seen.size() > 1, "40 requests, 3 quotes, all the same would be a 1 in 3^39 chance: " + seen);
        }
    }

    @Test
    void tcpDiscardsInputAndStillSendsTheWholeQuote() throws IOException {
        try (ServiceHarness qotd = qotd("daily"); Socket socket = new Socket(qotd.host(), qotd.tcpPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String quote = new String(SocketIo.readAll(socket.getInputStream(), 1024), StandardCharsets.US_ASCII);
            assertTrue(WIRE.contains(quote), quote);
        }
    }

    @Test
    void theRateLimitDropsAFloodFromOneSourceWithoutSleeping() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/quotes.txt"), QUOTES);
        try (ServiceHarness qotd = ServiceHarness.of(new QotdService()).home(home).clock(clock)
                .set("udp-rate", "1").set("udp-burst", "3").start();
             DatagramSocket client = udpClient()) {
            for (int i = 0; i < 3; i++) {
                udp(client, qotd.udp());
            }
            for (int i = 0; i < 10; i++) {
                client.send(new DatagramPacket(new byte[0], 0, qotd.udp()));
            }
            Await.until(Duration.ofSeconds(5), "ten drops", () -> qotd.counters().get("udp.dropped.rate-limit-source") == 10);
            clock.advance(Duration.ofSeconds(1));
            assertTrue(WIRE.contains(udp(client, qotd.udp())), "answered again a second later");
            Await.until(Duration.ofSeconds(5), "4 replies counted", () -> qotd.counters().get("udp.replied") == 4); // counted just after the send
        }
    }

    @Test
    void aBadQuotesFileStopsTheStartNamingKeyFileAndLine() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Path file = home.resolve("conf/quotes.txt");
        Files.writeString(file, "Good.\n%\nAlso good.\n%\n" + "long ".repeat(120) + "\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ServiceHarness.of(new QotdService()).home(home).start());
        assertEquals("qotd.quotes", e.key());
        assertTrue(e.getMessage().contains(file + " line 5:"), e.getMessage());

        ConfigException missing = assertThrows(ConfigException.class,
                () -> ServiceHarness.of(new QotdService()).home(home).set("quotes", "nope.txt").start());
        assertTrue(missing.getMessage().contains(home.resolve("nope.txt") + " does not exist"), missing.getMessage());

        // the cause, not the path a second time ("cannot read quotes file X: X")
        Files.createDirectories(home.resolve("a-folder"));
        ConfigException folder = assertThrows(ConfigException.class,
                () -> ServiceHarness.of(new QotdService()).home(home).set("quotes", "a-folder").start());
        assertEquals("qotd.quotes: cannot read quotes file " + home.resolve("a-folder") + ": it is a directory, not a file",
                folder.getMessage());
    }

    @Test
    void theShippedQuotesServe() throws IOException {
        try (ServiceHarness qotd = ServiceHarness.of(new QotdService())
                .set("quotes", QuotesFileTest.shippedQuotes().toAbsolutePath().toString()).start();
             DatagramSocket client = udpClient()) {
            String quote = udp(client, qotd.udp());
            assertTrue(quote.endsWith("\r\n") && quote.length() <= 511, quote);
        }
    }

    private static DatagramSocket udpClient() throws IOException {
        DatagramSocket client = new DatagramSocket();
        client.setSoTimeout(5000);
        return client;
    }

    /** One empty datagram, one quote back. */
    static String udp(DatagramSocket client, InetSocketAddress server) throws IOException {
        client.send(new DatagramPacket(new byte[0], 0, server));
        byte[] buffer = new byte[2048];
        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
        client.receive(reply);
        return new String(Arrays.copyOf(buffer, reply.getLength()), StandardCharsets.US_ASCII);
    }

    private static String tcp(InetSocketAddress server) throws IOException {
        try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
            socket.setSoTimeout(5000);
            return new String(SocketIo.readAll(socket.getInputStream(), 1024), StandardCharsets.US_ASCII);
        }
    }
}
