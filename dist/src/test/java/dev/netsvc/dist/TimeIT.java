package dev.netsvc.dist;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** daytime and time in the assembled distribution, read by our clients and by rdate, nc and python. */
class TimeIT {

    private static final Duration T = Duration.ofSeconds(30);
    private static final String DAYTIME = "[A-Z][a-z]+day, [A-Z][a-z]+ \\d{1,2}, \\d{4} \\d\\d:\\d\\d:\\d\\d UTC";

    /** Prints the seconds since 1970 an RFC 868 server at 127.0.0.1:PORT gives, over TCP or UDP. */
    private static final String PYTHON_TIME = "import socket, struct, sys\n"
            + "port, udp = int(sys.argv[1]), sys.argv[2] == 'udp'\n"
            + "if udp:\n"
            + "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)\n"
            + "    s.sendto(b'', ('127.0.0.1', port)); data = s.recvfrom(16)[0]\n"
            + "else:\n"
            + "    s = socket.create_connection(('127.0.0.1', port), 5); data = s.recv(16)\n"
            + "print(struct.unpack('!I', data)[0] - 2208988800)\n";

    @Test
    void ourClientsReadTimeAndDaytimeOverTcpAndUdp() {
        try (DistProcess netsvc = DistProcess.run("--enable", "daytime,time", "--set", "daytime.port=0", "--set", "time.port=0")) {
            for (String transport : new String[] {"tcp", "udp"}) {
                String[] flag = transport.equals("udp") ? new String[] {"--udp"} : new String[0];
                DistProcess.Result time = DistProcess.exec(T, concat(new String[] {"call", "time"}, flag,
                        "127.0.0.1:" + netsvc.port("time", transport)));
                assertEquals(0, time.exitCode(), time::toString);
                assertTrue(time.stdout().matches("(?s)UTC     \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\nlocal   .*\n"
                        + "offset  0 s: in step with this machine.*"), time::toString);

                DistProcess.Result daytime = DistProcess.exec(T, concat(new String[] {"call", "daytime"}, flag,
                        "127.0.0.1:" + netsvc.port("daytime", transport)));
                assertEquals(0, daytime.exitCode(), daytime::toString);
                assertTrue(daytime.stdout().strip().matches(DAYTIME), daytime::toString);
            }
        }
    }

    @Test
    void ncSocatAndPythonReadDaytimeAndTime() {
        try (DistProcess netsvc = DistProcess.run("--enable", "daytime,time", "--set", "daytime.port=0", "--set", "time.port=0")) {
            String nc = Tools.require("nc");
            String daytimeTcp = String.valueOf(netsvc.port("daytime", "tcp"));
            String daytimeUdp = String.valueOf(netsvc.port("daytime", "udp"));
            assertLine(Tools.run(T, new byte[0], nc, "127.0.0.1", daytimeTcp), "nc");
            assertLine(Tools.run(T, new byte[] {'\n'}, nc, "-u", "-w1", "127.0.0.1", daytimeUdp), "nc -u");
            assertLine(Tools.run(T, new byte[0], Tools.require("socat"), "-", "TCP:127.0.0.1:" + daytimeTcp), "socat");

            String python = Tools.require("python3");
            for (String transport : new String[] {"tcp", "udp"}) {
                DistProcess.Result r = Tools.run(T, new byte[0], python, "-c", PYTHON_TIME,
                        String.valueOf(netsvc.port("time", transport)), transport);
                assertEquals(0, r.exitCode(), r::toString);
                long skew = Long.parseLong(r.stdout().strip()) - Instant.now().getEpochSecond();
                assertTrue(Math.abs(skew) <= 5, () -> "python over " + transport + " is " + skew + " s off\n" + r);
            }
        }
    }

    /** rdate speaks only to port 37, which needs root and must be free. */
    @Test
    void rdateReadsTimeOverTcpAndUdpOnPort37() throws IOException {
        String rdate = Tools.require("rdate");
        Tools.requireThat("root".equals(System.getProperty("user.name")), "rdate needs the time service on port 37, which needs root");
        Tools.requireThat(port37IsFree(), "port 37 on 127.0.0.1 is taken (tcp or udp), so rdate cannot be pointed at us");
        try (DistProcess netsvc = DistProcess.run("--enable", "time", "--set", "time.port=37")) {
            assertEquals(37, netsvc.port("time", "udp"));
            for (String[] args : new String[][] {{rdate, "-p", "127.0.0.1"}, {rdate, "-p", "-u", "127.0.0.1"}}) {
                DistProcess.Result r = Tools.run(T, new byte[0], Map.of("TZ", "UTC", "LC_ALL", "C"), args);
                assertEquals(0, r.exitCode(), r::toString);
                long skew = rdateSeconds(r.stdout()) - Instant.now().getEpochSecond();
                assertTrue(Math.abs(skew) <= 5, () -> String.join(" ", args) + " is " + skew + " s off\n" + r);
            }
            assertEquals(0, netsvc.terminate(T), netsvc::output);
            String stopped = QotdIT.stopLine(netsvc, "time");
            assertEquals(1, QotdIT.counter(stopped, "tcp.replied"), stopped);
            assertEquals(1, QotdIT.counter(stopped, "udp.replied"), stopped);
        }
    }

    /** rdate -p prints ctime-like text, e.g. "Sun Nov  2 09:22:56 UTC 2026". */
    private static long rdateSeconds(String output) {
        String[] f = output.strip().split("\\s+");
        assertEquals(6, f.length, output);
        LocalDateTime t = LocalDateTime.parse(f[1] + " " + f[2] + " " + f[5] + " " + f[3],
                DateTimeFormatter.ofPattern("MMM d uuuu HH:mm:ss", Locale.US));
        return t.toEpochSecond(ZoneOffset.UTC);
    }

    private static boolean port37IsFree() {
        InetSocketAddress port37 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 37);
        try (ServerSocket tcp = new ServerSocket(); DatagramSocket udp = new DatagramSocket(null)) {
            tcp.setReuseAddress(true);
            tcp.bind(port37);
            udp.bind(port37);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void assertLine(DistProcess.Result r, String who) {
        assertEquals(0, r.exitCode(), () -> who + ": " + r);
        assertTrue(r.stdout().endsWith("\r\n") && r.stdout().strip().matches(DAYTIME), () -> who + ": " + r);
    }

    private static String[] concat(String[] a, String[] b, String last) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length + 1);
        System.arraycopy(b, 0, all, a.length, b.length);
        all[all.length - 1] = last;
        return all;
    }
}
