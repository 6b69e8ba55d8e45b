package dev.netsvc.time;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.net.SocketIo;
import dev.netsvc.testkit.ManualClock;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** time and daytime over real TCP and UDP sockets, on a clock the test moves. */
class TimeServicesTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2036-02-07T06:28:15Z"));

    @Test
    void timeWrapsIn2036OverBothTransports() throws IOException {
        try (ServiceHarness time = ServiceHarness.of(new TimeService()).clock(clock).start();
             DatagramSocket client = udpClient()) {
            assertArrayEquals(new byte[] {-1, -1, -1, -1}, tcp(time.tcp(), new byte[0]));
            assertArrayEquals(new byte[] {-1, -1, -1, -1}, udp(client, time.udp(), new byte[0]));
            clock.advance(Duration.ofSeconds(1));
            assertArrayEquals(new byte[] {0, 0, 0, 0}, tcp(time.tcp(), new byte[0]));
            assertArrayEquals(new byte[] {0, 0, 0, 0}, udp(client, time.udp(), new byte[4]));
            clock.advance(Duration.ofDays(1));
            assertEquals(86_400, Rfc868.count(udp(client, time.udp(), "anything".getBytes(StandardCharsets.US_ASCII))));
        }
    }

    @Test
    void timeOverTcpIgnoresInputAndSendsExactlyFourBytes() throws IOException {
        clock.set(Instant.EPOCH);
        try (ServiceHarness time = ServiceHarness.of(new TimeService()).clock(clock).start()) {
            assertArrayEquals(new byte[] {(byte) 0x83, (byte) 0xAA, 0x7E, (byte) 0x80}, tcp(time.tcp(), new byte[8192]));
        }
    }

    @Test
    void daytimeIsOneLineInTheConfiguredZone() throws IOException {
        clock.set(Instant.parse("1982-02-23T01:37:43Z"));
        try (ServiceHarness utc = ServiceHarness.of(new DaytimeService()).clock(clock).start();
             ServiceHarness pacific = ServiceHarness.of(new DaytimeService()).clock(clock)
                     .set("zone", "America/Los_Angeles").start();
             DatagramSocket client = udpClient()) {
            assertEquals("Tuesday, February 23, 1982 01:37:43 UTC\r\n", ascii(tcp(utc.tcp(), new byte[0])));
            assertEquals("Monday, February 22, 1982 17:37:43 PST\r\n", ascii(tcp(pacific.tcp(), new byte[0])));
            assertEquals("Monday, February 22, 1982 17:37:43 PST\r\n", ascii(udp(client, pacific.udp(), new byte[0])));
        }
    }

    @Test
    void daytimeLinesFitTheirDatagramInEveryZone() {
        int longest = 0;
        for (String zone : java.time.ZoneId.getAvailableZoneIds()) {
            byte[] line = DaytimeService.line(java.time.ZonedDateTime.of(2025, 9, 24, 23, 59, 59, 0, java.time.ZoneId.of(zone)));
            longest = Math.max(longest, line.length);
            assertTrue(ascii(line).chars().allMatch(c -> c == '\r' || c == '\n' || (c >= 0x20 && c < 0x7F)), zone);
        }
        assertTrue(longest < 128, "longest daytime line: " + longest);
    }

    @Test
    void anUnknownZoneIsAConfigurationError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ServiceHarness.of(new DaytimeService()).set("zone", "Mars/Olympus_Mons").start());
        assertEquals("daytime.zone", e.key());
        assertTrue(e.getMessage().contains("not a time zone"), e.getMessage());
    }

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static DatagramSocket udpClient() throws IOException {
        DatagramSocket client = new DatagramSocket();
        client.setSoTimeout(5000);
        return client;
    }

    static byte[] udp(DatagramSocket client, InetSocketAddress server, byte[] request) throws IOException {
        client.send(new DatagramPacket(request, request.length, server));
        byte[] buffer = new byte[2048];
        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
        client.receive(reply);
        return Arrays.copyOf(buffer, reply.getLength());
    }

    static byte[] tcp(InetSocketAddress server, byte[] input) throws IOException {
        try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(input);
            return SocketIo.readAll(socket.getInputStream(), 1024);
        }
    }
}
