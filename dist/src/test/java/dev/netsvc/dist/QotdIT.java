package dev.netsvc.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** qotd in the assembled distribution: our client, standard tools, a bad quotes file, the UDP defences. */
class QotdIT {

    private static final Duration T = Duration.ofSeconds(30);
    private static final byte[] NEWLINE = {'\n'};

    @Test
    void ourClientAndStandardToolsGetTheSameQuoteOverUdpAndTcp() throws IOException {
        try (DistProcess netsvc = DistProcess.run("--enable", "qotd", "--set", "qotd.port=0")) {
            String udp = String.valueOf(netsvc.port("qotd", "udp"));
            String tcp = String.valueOf(netsvc.port("qotd", "tcp"));
            DistProcess.Result ours = DistProcess.exec(T, "call", "qotd", "127.0.0.1:" + udp);
            assertEquals(0, ours.exitCode(), ours::toString);
            String quote = ours.stdout();
            assertTrue(quotesFile().contains(quote.lines().findFirst().orElseThrow()), () -> "a shipped quote: " + quote);

            assertSame(quote, DistProcess.exec(T, "call", "qotd", "--tcp", "127.0.0.1:" + tcp), "call qotd --tcp");
            String nc = Tools.require("nc");
            assertSame(quote, Tools.run(T, new byte[0], nc, "127.0.0.1", tcp), "nc (TCP)");
            assertSame(quote, Tools.run(T, NEWLINE, nc, "-u", "-w1", "127.0.0.1", udp), "nc -u");
            assertSame(quote, Tools.run(T, NEWLINE, Tools.require("socat"), "-T1", "-", "UDP:127.0.0.1:" + udp), "socat");
            assertSame(quote, Tools.run(T, new byte[0], Tools.require("python3"), "-c",
                    "import socket, sys\n"
                            + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)\n"
                            + "s.sendto(b'', ('127.0.0.1', " + udp + "))  # an empty datagram, as the tutorial client sends\n"
                            + "sys.stdout.write(s.recvfrom(1024)[0].decode('ascii'))\n"), "python3 (empty datagram)");
        }
    }

    @Test
    void aBadQuotesFileStopsQotdNamingTheLine(@TempDir Path tmp) throws IOException {
        Path quotes = tmp.resolve("quotes.txt");
        Files.write(quotes, "Fine.\n%\nCaf\u00e9 society.\n".getBytes(StandardCharsets.ISO_8859_1));
        DistProcess.Result r = DistProcess.exec(T, "run", "--enable", "qotd", "--set", "qotd.port=0",
                "--set", "qotd.quotes=" + quotes);
        assertEquals(2, r.exitCode(), "a configuration error: " + r);
        assertTrue(r.stderr().contains("qotd.quotes: " + quotes + " line 3: column 4: byte 0xE9 is not printable ASCII"),
                r::toString);
        assertFalse(r.stderr().contains("\tat "), () -> "no stack trace\n" + r);
    }

    @Test
    void aFloodFromOneSourceIsRateLimitedAndCounted() throws IOException {
        try (DistProcess netsvc = DistProcess.run("--enable", "qotd", "--set", "qotd.port=0",
                "--set", "qotd.udp-rate=1", "--set", "qotd.udp-burst=2")) {
            int udp = netsvc.port("qotd", "udp");
            DistProcess.Result flood = Tools.run(T, new byte[0], Tools.require("python3"), "-c",
                    "import socket\n"
                            + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                            + "for i in range(20): s.sendto(b'', ('127.0.0.1', " + udp + "))\n"
                            + "s.settimeout(1); n = 0\n"
                            + "try:\n"
                            + "    while True: s.recvfrom(1024); n += 1\n"
                            + "except socket.timeout: pass\n"
                            + "print(n)\n");
            assertEquals(0, flood.exitCode(), flood::toString);
            int answered = Integer.parseInt(flood.stdout().strip());
            assertTrue(answered >= 2 && answered <= 4, "the burst of 2, and at most a token or two more: " + answered);
            assertEquals(0, netsvc.terminate(T), netsvc::output);
            String stopped = stopLine(netsvc, "qotd");
            assertEquals(20, counter(stopped, "udp.received"), stopped);
            assertEquals(20 - answered, counter(stopped, "udp.dropped.rate-limit-source"), stopped);
        }
    }

    /** A datagram from chargen's port would start a loop: it is dropped. Binding port 19 needs root. */
    @Test
    void aDatagramFromAServicePortIsNotAnswered() throws IOException {
        Tools.requireThat("root".equals(System.getProperty("user.name")), "sending from port 19 needs root");
        try (DistProcess netsvc = DistProcess.run("--enable", "qotd", "--set", "qotd.port=0")) {
            InetSocketAddress qotd = new InetSocketAddress(InetAddress.getLoopbackAddress(), netsvc.port("qotd", "udp"));
            try (DatagramSocket chargen = bindChargenPort(); DatagramSocket client = new DatagramSocket()) {
                chargen.send(new DatagramPacket(new byte[1], 1, qotd));
                client.setSoTimeout(5000);
                client.send(new DatagramPacket(new byte[0], 0, qotd));
                client.receive(new DatagramPacket(new byte[1024], 1024)); // the ordinary client is answered
            }
            assertEquals(0, netsvc.terminate(T), netsvc::output);
            String stopped = stopLine(netsvc, "qotd");
            assertEquals(1, counter(stopped, "udp.dropped.loop"), stopped);
            assertEquals(1, counter(stopped, "udp.replied"), stopped);
        }
    }

    private static DatagramSocket bindChargenPort() throws IOException {
        try {
            return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 19));
        } catch (BindException e) {
            Tools.requireThat(false, "udp port 19 on 127.0.0.1 is taken: " + e.getMessage());
            throw e;
        }
    }

    private static void assertSame(String quote, DistProcess.Result result, String who) {
        assertEquals(0, result.exitCode(), () -> who + ": " + result);
        assertEquals(quote.lines().toList(), result.stdout().lines().toList(), () -> who + " gets the same quote\n" + result);
    }

    private static String quotesFile() throws IOException {
        return Files.readString(DistProcess.home().resolve("conf/quotes.txt"), StandardCharsets.US_ASCII);
    }

    /** The supervisor's "ID stopped (counters)" line. */
    static String stopLine(DistProcess netsvc, String id) {
        List<String> lines = netsvc.stderrLines().stream().filter(l -> l.contains(" " + id + " stopped (")).toList();
        assertEquals(1, lines.size(), netsvc::output);
        return lines.get(0);
    }

    static long counter(String stopLine, String name) {
        Matcher m = Pattern.compile("[ (]" + Pattern.quote(name) + "=(\\d+)").matcher(stopLine);
        assertTrue(m.find(), () -> name + " in " + stopLine);
        return Long.parseLong(m.group(1));
    }
}
