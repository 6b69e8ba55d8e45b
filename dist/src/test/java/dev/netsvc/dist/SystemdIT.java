package dev.netsvc.dist;

import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * netsvc under a service manager, as systemd runs it: sockets passed in by {@code systemd-socket-activate}
 * (and by a small stand-in for systemd that holds them across restarts, service_manager.py), the notify
 * protocol on a notify socket the test reads, and a restart under load that refuses nothing.
 */
class SystemdIT {

    private static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    /** A port nothing listens on now (bound and let go: the kernel does not hand it out again at once). */
    private static int freePort(InetAddress at) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, at)) {
            return s.getLocalPort();
        }
    }

    private static InetAddress loopback6() {
        try {
            InetAddress six = InetAddress.getByName("::1");
            try (ServerSocket probe = new ServerSocket(0, 1, six)) {
                return six;
            }
        } catch (IOException e) {
            return null;
        }
    }

    private static String echo(InetAddress host, int port, String line) throws IOException {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout((int) T.toMillis());
            s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[line.length() + 1];
            int n = 0;
            InputStream in = s.getInputStream();
            while (n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            return new String(buf, 0, n, StandardCharsets.US_ASCII);
        }
    }

    /** The TCP ports process {@code pid} listens on, by ss(8). */
    private static Set<Integer> listeningPorts(long pid) {
        DistProcess.Result ss = Tools.run(T, new byte[0], Tools.require("ss"), "-ltnpH");
        Set<Integer> ports = new TreeSet<>();
        Pattern row = Pattern.compile("\\S+\\s+\\d+\\s+\\d+\\s+(\\S+):(\\d+)\\s.*pid=" + pid + ",");
        for (String line : ss.stdout().split("\n")) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                ports.add(Integer.parseInt(m.group(2)));
            }
        }
        return ports;
    }

    @Test
    void servicesTakeTheSocketsOfSystemdSocketActivateByNameOrAddressAndBindNothingThemselves() throws Exception {
        String activate = Tools.require("systemd-socket-activate");
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        InetAddress v6 = loopback6();
        InetAddress httpAt = v6 != null ? v6 : v4;
        int echoSelector = freePort(v4);
        int http = freePort(httpAt);
        int echoAsync = freePort(v4);
        int typo = freePort(v4);
        int echoBlocking = freePort(v4);
        String httpListen = httpAt instanceof Inet6Address ? "[::1]:" + http : "127.0.0.1:" + http;
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("index.html"), "hello from a passed socket\n");
        List<String> wrapper = List.of(activate, "-l", "127.0.0.1:" + echoSelector, "-l", httpListen,
                "-l", "127.0.0.1:" + echoAsync, "-l", "127.0.0.1:" + typo, "-l", "127.0.0.1:" + echoBlocking,
                // the last socket has no name of its own: echo-blocking takes it by the address it is configured for
                "--fdname=echo-selector:http:echo-async:htpp:unknown");
        try (DistProcess netsvc = DistProcess.launchUnder(wrapper, "--enable", "echo-selector,http,echo-async,echo-blocking",
                "--set", "echo-blocking.port=" + echoBlocking, "--set", "http.root=" + www)) {
            // systemd-socket-activate starts netsvc on the first connection, which waits in the queue meanwhile
            netsvc.awaitLine(T, Pattern.compile("Listening on 127\\.0\\.0\\.1:" + echoSelector));
            assertEquals("first\n", echo(v4, echoSelector, "first"), "the connection that started it is served");
            netsvc.awaitReady(T);
            netsvc.awaitLine(T, Pattern.compile("echo-selector listening on tcp 127\\.0\\.0\\.1:" + echoSelector
                    + " \\(socket from the service manager\\)$"));
            netsvc.awaitLine(T, Pattern.compile("http listening on tcp \\S+:" + http + " \\(socket from the service manager\\)$"));
            netsvc.awaitLine(T, Pattern.compile("echo-async listening on tcp 127\\.0\\.0\\.1:" + echoAsync
                    + " \\(socket from the service manager\\)$"));
            netsvc.awaitLine(T, Pattern.compile("echo-blocking listening on tcp 127\\.0\\.0\\.1:" + echoBlocking
                    + " \\(socket from the service manager\\)$"));
            netsvc.awaitLine(T, Pattern.compile("WARN.*socket fd 6 'htpp' \\(tcp 127\\.0\\.0\\.1:" + typo + "\\) from the service"
                    + " manager is taken by no service: no service is named 'htpp' \\(did you mean http\\?\\), and no enabled"
                    + " service is configured for tcp 127\\.0\\.0\\.1:" + typo + "; connections to it wait unanswered"));

            assertEquals("async\n", echo(v4, echoAsync, "async"), "the NIO.2 engine serves an inherited socket");
            assertEquals("blocking\n", echo(v4, echoBlocking, "blocking"));
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://" + (httpAt instanceof Inet6Address ? "[::1]" : "127.0.0.1") + ":" + http + "/index.html"))
                    .timeout(T).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("hello from a passed socket\n", page.body());

            DistProcess.Result status = netsvc.control("status");
            assertTrue(status.stdout().contains("tcp 127.0.0.1:" + echoSelector + " (socket from the service manager)"), status::toString);
            String json = netsvc.control("status", "--json").stdout();
            assertTrue(json.contains("\"port\":" + echoAsync + ",\"fromServiceManager\":true"), json);

            // nothing bound twice: the process listens on the five passed sockets and its admin port only
            Set<Integer> expected = new TreeSet<>(Set.of(echoSelector, http, echoAsync, typo, echoBlocking,
                    netsvc.adminUri().getPort()));
            assertEquals(expected, listeningPorts(netsvc.pid()), netsvc::output);
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    private static String daytime(DatagramSocket client, InetSocketAddress to) throws IOException {
        client.send(new DatagramPacket(new byte[] {'?'}, 1, to));
        DatagramPacket reply = new DatagramPacket(new byte[512], 512);
        client.receive(reply);
        return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
    }

    @Test
    void aUdpServiceTakesADatagramSocketAndAnswersTheDatagramThatStartedIt() throws Exception {
        String activate = Tools.require("systemd-socket-activate");
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        List<String> wrapper = List.of(activate, "--datagram", "-l", "127.0.0.1:" + port, "--fdname=daytime");
        try (DistProcess netsvc = DistProcess.launchUnder(wrapper, "--enable", "daytime", "--set", "daytime.port=0");
             DatagramSocket client = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            netsvc.awaitLine(T, Pattern.compile("Listening on 127\\.0\\.0\\.1:" + port));
            client.setSoTimeout((int) T.toMillis());
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
            String first = daytime(client, to); // sent before netsvc ran: waited in the socket's buffer
            assertTrue(first.matches("(?s).*\\d{4}.*\\r?\\n"), first);
            netsvc.awaitLine(T, Pattern.compile("daytime listening on udp 127\\.0\\.0\\.1:" + port + " \\(socket from the service manager\\)$"));
            netsvc.awaitLine(T, Pattern.compile("daytime listening on tcp 127\\.0\\.0\\.1:\\d+$")); // TCP binds its own
            assertTrue(daytime(client, to).matches("(?s).*\\d{4}.*"));
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    /** service_manager.py with {@code ARGS}, then bin/netsvc run. */
    private static List<String> serviceManager(String... args) throws Exception {
        Path script = Path.of(SystemdIT.class.getResource("/service_manager.py").toURI());
        List<String> wrapper = new ArrayList<>(List.of(Tools.require("python3"), "-u", script.toString()));
        wrapper.addAll(List.of(args));
        wrapper.add("--");
        return wrapper;
    }

    private static final Pattern HELD = Pattern.compile("^listening (\\S+) (tcp|udp) (\\S+) (\\d+)$");

    private static int held(DistProcess manager, String name, String transport) {
        for (String line : manager.stdoutLines()) {
            Matcher m = HELD.matcher(line);
            if (m.find() && m.group(1).equals(name) && m.group(2).equals(transport)) {
                return Integer.parseInt(m.group(4));
            }
        }
        throw new AssertionError("service_manager.py holds no " + transport + " socket " + name + "\n" + manager.output());
    }

    private static void order(DistProcess manager, String order) throws IOException {
        OutputStream in = manager.stdin();
        in.write((order + "\n").getBytes(StandardCharsets.US_ASCII));
        in.flush();
    }

    @Test
    void aListeningSocketAsStandardInputIsTakenByTheServiceConfiguredForItsAddress() throws Exception {
        List<String> wrapper = serviceManager("--stdin-socket", "--listen", "tcp:127.0.0.1:0:stdin");
        // the port is known once the stand-in holds the socket: it starts netsvc when told, configured for it
        Path conf = tmp.resolve("netsvc.properties");
        try (DistProcess manager = DistProcess.launchUnder(wrapper, "--enable", "echo-selector", "--config", conf.toString())) {
            manager.awaitOut(T, HELD);
            int port = held(manager, "stdin", "tcp");
            Files.writeString(conf, "echo-selector.port=" + port + "\necho-selector.bind=127.0.0.1\n");
            order(manager, "start");
            manager.awaitReady(T);
            manager.awaitLine(T, Pattern.compile("echo-selector listening on tcp 127\\.0\\.0\\.1:" + port
                    + " \\(socket from the service manager\\)$"));
            assertEquals("stdin\n", echo(InetAddress.getByName("127.0.0.1"), port, "stdin"));
            order(manager, "term");
            assertEquals("exited 0", manager.awaitOut(T, Pattern.compile("^exited ")), manager::output);
            order(manager, "quit");
            manager.awaitExit(T);
        }
    }

    @Test
    void theNotifySocketHearsReadyReloadingStoppingAndTheWatchdog() throws Exception {
        List<String> wrapper = serviceManager("--notify", "--watchdog-usec", "2000000", "--listen", "tcp:127.0.0.1:0:echo-selector");
        try (DistProcess manager = DistProcess.launchUnder(wrapper, "--enable", "echo-selector")) {
            manager.awaitOut(T, Pattern.compile("^notify-socket "));
            order(manager, "start");
            String ready = manager.awaitOut(T, Pattern.compile("^notify READY=1"));
            // the ready line is logged before READY=1 is sent
            String readyLine = manager.awaitLine(T, Pattern.compile("netsvc ready: 1 of 1 service running"));
            assertEquals("notify READY=1|STATUS=" + readyLine.substring(readyLine.indexOf("netsvc ready:")), ready);
            // 1 s apart (half of WATCHDOG_USEC): three pings come within a few seconds
            Await.until(T, "three watchdog pings", () -> manager.stdoutLines().stream().filter("notify WATCHDOG=1"::equals).count() >= 3);

            DistProcess.Result reload = manager.control("reload");
            assertEquals(0, reload.exitCode(), reload::toString);
            Await.until(T, "READY=1 after the reload", () -> heard(manager).size() >= 3);
            List<String> heard = heard(manager);
            assertEquals(3, heard.size(), heard::toString);
            assertTrue(heard.get(1).matches("notify RELOADING=1\\|MONOTONIC_USEC=\\d+\\|STATUS=reloading the configuration"), heard::toString);
            assertEquals("notify READY=1|STATUS=reloaded", heard.get(2));

            order(manager, "term");
            assertEquals("notify STOPPING=1|STATUS=stopping on SIGTERM", manager.awaitOut(T, Pattern.compile("^notify STOPPING=1")));
            assertEquals("exited 0", manager.awaitOut(T, Pattern.compile("^exited ")), manager::output);
            order(manager, "quit");
            manager.awaitExit(T);
        }
    }

    private static String bodyOf(HttpClient client, URI uri) {
        try {
            return client.send(HttpRequest.newBuilder(uri).timeout(T).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    // what the notify socket heard but the watchdog's pings
    private static List<String> heard(DistProcess manager) {
        return manager.stdoutLines().stream().filter(l -> l.startsWith("notify ") && !l.equals("notify WATCHDOG=1")).toList();
    }

    @Test
    void aRestartOnHeldSocketsUnderLoadFailsNoRequestAndAnswersEveryDatagram() throws Exception {
        String ab = Tools.require("ab");
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("index.html"), "restarted or not\n");
        List<String> wrapper = serviceManager("--listen", "tcp:127.0.0.1:0:http", "--listen", "udp:127.0.0.1:0:daytime");
        try (DistProcess manager = DistProcess.launchUnder(wrapper, "--enable", "http,daytime", "--set", "http.root=" + www,
                // one client sends 100 a second: above the default limit for one address (10 a second)
                "--set", "daytime.port=0", "--set", "daytime.udp-rate=1000", "--set", "daytime.udp-burst=1000");
             DatagramSocket client = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            manager.awaitOut(T, Pattern.compile("^listening daytime udp"));
            int http = held(manager, "http", "tcp");
            InetSocketAddress daytime = new InetSocketAddress("127.0.0.1", held(manager, "daytime", "udp"));
            order(manager, "start");
            manager.awaitReady(T);

            Process load = new ProcessBuilder(ab, "-n", "20000", "-c", "20", "http://127.0.0.1:" + http + "/index.html")
                    .redirectErrorStream(true).start();
            byte[][] abOutput = new byte[1][];
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    abOutput[0] = load.getInputStream().readAllBytes();
                } catch (IOException e) {
                    abOutput[0] = e.toString().getBytes(StandardCharsets.UTF_8);
                }
            });
            // a datagram every 20 ms through the restart, each answered once whoever receives it; those sent
            // while no netsvc runs wait in the socket's buffer (some 270 of them fit in Linux's default)
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger answered = new AtomicInteger();
            Thread sender = Thread.ofPlatform().start(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (load.isAlive() && System.nanoTime() < end) {
                    try {
                        client.send(new DatagramPacket(new byte[] {'?'}, 1, daytime));
                        sent.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // the pace of the load, not a wait for anything
                }
            });
            client.setSoTimeout(1000);
            Thread receiver = Thread.ofPlatform().start(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
                DatagramPacket reply = new DatagramPacket(new byte[512], 512);
                while (System.nanoTime() < end && (sender.isAlive() || answered.get() < sent.get())) {
                    try {
                        client.receive(reply);
                        answered.incrementAndGet();
                    } catch (SocketTimeoutException e) {
                        // none this second: look again until the deadline
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            URI status = manager.adminUri().resolve("status");
            HttpClient admin = HttpClient.newHttpClient();
            Await.until(T, "ab under way", () -> bodyOf(admin, status).matches("(?s).*\"tcp.connections.accepted\":[0-9]{3,}.*"));
            int sentBefore = sent.get();
            order(manager, "restart");
            manager.awaitOut(T, Pattern.compile("^exited 0$"));
            manager.awaitLines(T, Pattern.compile("netsvc ready: 2 of 2 services running"), 2);
            boolean stillRunning = load.isAlive();
            assertTrue(load.waitFor(120, TimeUnit.SECONDS), "ab finished");
            reader.join(T);
            sender.join(T);
            receiver.join(Duration.ofSeconds(200));
            String result = new String(abOutput[0], StandardCharsets.UTF_8);
            assertTrue(stillRunning, "ab ran through the restart:\n" + result);
            assertTrue(result.contains("Complete requests:      20000") && result.contains("Failed requests:        0")
                    && !result.contains("Non-2xx responses"), () -> result + "\n--- netsvc\n" + manager.output());
            assertTrue(sent.get() > sentBefore, "datagrams were sent through the restart");
            assertEquals(sent.get(), answered.get(), "every datagram answered, those sent while no netsvc ran too");
            order(manager, "quit");
            manager.awaitExit(T);
        }
    }
}
