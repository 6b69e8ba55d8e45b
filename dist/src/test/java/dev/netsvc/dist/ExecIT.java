package dev.netsvc.dist;

import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exec plugin in the distribution, started as a child process: programs per connection and per
 * datagram with their log lines and metrics, hostile programs and clients beside another service that
 * keeps serving, 500 clients at max-connections 100, and afterwards no zombie, no leftover process and no
 * descriptor left open (/proc).
 */
class ExecIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern RUNNING = Pattern.compile("\"exec\\.running\":(\\d+)");

    @TempDir
    Path tmp;

    private static List<String> sets(String... keyValues) {
        List<String> args = new ArrayList<>();
        for (String kv : keyValues) {
            args.add("--set");
            args.add(kv);
        }
        return args;
    }

    private Path script(String name, String text) throws IOException {
        Path file = Files.writeString(tmp.resolve(name), "#!/bin/sh\n" + text + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            line.append((char) b);
        }
        return line.toString();
    }

    /** Programs running now, in every exec service of the host ({@code exec.running} in status). */
    private static long running(DistProcess netsvc) {
        DistProcess.Result status = netsvc.control("status", "--json");
        long sum = 0;
        for (Matcher m = RUNNING.matcher(status.stdout()); m.find(); ) {
            sum += Long.parseLong(m.group(1));
        }
        return sum;
    }

    @Test
    void programsPerConnectionAndDatagramWithTheirLogLinesMetricsAndStatus() throws Exception {
        Path greet = script("greet", "read name\necho \"$GREETING, $name (from $TCPREMOTEIP)\"");
        List<String> args = new ArrayList<>(List.of("-e", "cat,greet,udpcat,echo-blocking"));
        args.addAll(sets("cat.instance-of=exec", "cat.command=/bin/cat", "cat.port=0", "cat.connection-log=all",
                "greet.instance-of=exec", "greet.command=" + greet, "greet.port=0", "greet.env.GREETING=hello",
                "udpcat.instance-of=exec", "udpcat.command=/bin/cat", "udpcat.transport=udp", "udpcat.port=0",
                "echo-blocking.port=0", "echo-blocking.connection-log=all"));
        try (DistProcess netsvc = DistProcess.run(args.toArray(String[]::new))) {
            try (Socket s = connect(netsvc.port("cat", "tcp"))) {
                s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertEquals("hello\n", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            }
            netsvc.awaitLine(WAIT, Pattern.compile(" cat - connection from 127\\.0\\.0\\.1:\\d+ ended after \\d+\\.\\d{3} s:"
                    + " 6 bytes in, 6 bytes out; pid \\d+, exit 0$"));
            try (Socket s = connect(netsvc.port("greet", "tcp"))) {
                s.getOutputStream().write("world\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("hello, world (from 127.0.0.1)\n", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            }
            try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                udp.setSoTimeout((int) WAIT.toMillis());
                byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
                udp.send(new DatagramPacket(ping, ping.length, InetAddress.getLoopbackAddress(), netsvc.port("udpcat", "udp")));
                DatagramPacket reply = new DatagramPacket(new byte[100], 100);
                udp.receive(reply);
                assertEquals("ping", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
            }
            try (Socket s = connect(netsvc.port("echo-blocking", "tcp"))) {
                s.getOutputStream().write('?');
                assertEquals('?', s.getInputStream().read());
            }
            netsvc.awaitLine(WAIT, Pattern.compile(" echo-blocking - connection from 127\\.0\\.0\\.1:\\d+ ended after .* 1 bytes in, 1 bytes out$"));
            String status = netsvc.control("status").stdout();
            assertTrue(status.contains("cat ") && status.contains("udp 127.0.0.1:") && !status.contains("\nexec "), status);
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    netsvc.adminUri().resolve("metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(metrics.body().contains("netsvc_exec_programs_started_total{service=\"cat\"} 1"), metrics.body());
            assertTrue(metrics.body().contains("netsvc_exec_programs_ended_total{reason=\"exit\",service=\"udpcat\"} 1"), metrics.body());
        }
    }

    /**
     * bin/netsvc's JVM starts programs with one posix_spawn; with it turned off, through the JDK and setsid.
     * Either way the program leads its own session and process group and holds its three pipes and nothing
     * else of netsvc's (its listening sockets, the other connections).
     */
    @Test
    void aProgramLeadsItsOwnGroupAndHoldsOnlyItsPipesStartedEitherWay() throws Exception {
        Path probe = script("probe", "read -r l < /proc/$$/stat; echo \"$$ $l\"; exec ls -l /proc/self/fd/");
        String[] args = {"-e", "probe,echo-blocking", "--set", "probe.instance-of=exec", "--set", "probe.command=" + probe,
                "--set", "probe.port=0", "--set", "echo-blocking.port=0"};
        for (boolean posixSpawn : new boolean[] {true, false}) {
            Map<String, String> env = posixSpawn ? Map.of() : Map.of("NETSVC_JAVA_OPTS", "-Dnetsvc.exec.posix-spawn=false");
            try (DistProcess netsvc = DistProcess.runWith(env, args);
                 Socket other = connect(netsvc.port("echo-blocking", "tcp")); // a connection a program must not hold
                 Socket s = connect(netsvc.port("probe", "tcp"))) {
                s.shutdownOutput();
                List<String> lines = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
                String[] stat = lines.get(0).split(" ");
                String[] fields = lines.get(0).substring(lines.get(0).lastIndexOf(')') + 2).split(" ");
                assertEquals(stat[0], fields[2], "pgid == pid, posix_spawn " + posixSpawn + ": " + lines);
                assertEquals(stat[0], fields[3], "sid == pid, posix_spawn " + posixSpawn + ": " + lines);
                // 0, 1 and 2, pipes, and the folder ls lists: no socket
                List<String> fds = lines.stream().filter(l -> l.contains(" -> ")).toList();
                assertEquals(4, fds.size(), "posix_spawn " + posixSpawn + ": " + lines);
                assertEquals(3, fds.stream().filter(l -> l.contains(" -> pipe:")).count(), "posix_spawn " + posixSpawn + ": " + lines);
                assertFalse(lines.toString().contains("socket:"), "posix_spawn " + posixSpawn + ": " + lines);
                assertEquals(!posixSpawn, netsvc.output().contains("programs start through the JDK and setsid"), netsvc.output());
            }
        }
    }

    @Test
    void hostileProgramsAndClientsLeaveNoZombieNoProcessNoDescriptorAndOthersServeThroughout() throws Exception {
        Path forks = script("forks", "sleep 600 & echo $!\nsleep 600 & echo $!\nexit 0");
        List<String> args = new ArrayList<>(List.of("-e", "neverreads,stubborn,noisy,quick,forks,yes,many,echo-blocking"));
        args.addAll(sets(
                "neverreads.instance-of=exec", "neverreads.command=/bin/sh", "neverreads.args=-c 'echo $$; exec sleep 600'",
                "neverreads.port=0", "neverreads.idle-timeout=1s",
                "stubborn.instance-of=exec", "stubborn.command=/bin/sh", "stubborn.port=0", "stubborn.timeout=1s",
                "stubborn.args=-c 'trap \"\" TERM; echo $$; while :; do sleep 1; done'",
                "noisy.instance-of=exec", "noisy.command=/bin/sh", "noisy.args=-c 'echo $$; while :; do echo noise >&2; done'",
                "noisy.port=0", "noisy.timeout=2s",
                "quick.instance-of=exec", "quick.command=/bin/true", "quick.port=0",
                "forks.instance-of=exec", "forks.command=" + forks, "forks.port=0",
                "yes.instance-of=exec", "yes.command=/usr/bin/yes", "yes.port=0", "yes.idle-timeout=1s",
                "many.instance-of=exec", "many.command=/bin/cat", "many.port=0", "many.max-connections=100",
                "echo-blocking.port=0"));
        try (DistProcess netsvc = DistProcess.run(args.toArray(String[]::new))) {
            long host = netsvc.pid();
            int echo = netsvc.port("echo-blocking", "tcp");
            // warm up: one connection through exec, then the host's pipes at rest
            try (Socket s = connect(netsvc.port("quick", "tcp"))) {
                assertEquals(-1, s.getInputStream().read());
            }
            Await.until(WAIT, "no program running", () -> running(netsvc) == 0);
            long pipesAtRest = ProcFs.pipes(host);

            Bystander bystander = new Bystander(echo);
            Thread watcher = Thread.ofVirtual().start(bystander);
            List<Long> pids = Collections.synchronizedList(new ArrayList<>());
            List<Socket> held = new ArrayList<>();
            try {
                // a program that never reads, with a client that floods it
                Socket flood = connect(netsvc.port("neverreads", "tcp"));
                held.add(flood);
                pids.add(Long.parseLong(line(flood.getInputStream())));
                CompletableFuture<Void> flooding = CompletableFuture.runAsync(() -> {
                    try {
                        flood.getOutputStream().write(new byte[8 << 20]); // blocks once the pipe and windows fill
                    } catch (IOException e) {
                        // the idle timeout ended it: expected
                    }
                });
                // a program that ignores SIGTERM and never exits; one that floods its standard error
                for (String service : List.of("stubborn", "noisy")) {
                    Socket s = connect(netsvc.port(service, "tcp"));
                    held.add(s);
                    pids.add(Long.parseLong(line(s.getInputStream())));
                }
                // a program that forks children and exits at once
                try (Socket s = connect(netsvc.port("forks", "tcp"))) {
                    pids.add(Long.parseLong(line(s.getInputStream())));
                    pids.add(Long.parseLong(line(s.getInputStream())));
                    assertEquals(-1, s.getInputStream().read(), "its children are ended with it, and the output ends");
                }
                // a client that never reads what yes writes
                held.add(connect(netsvc.port("yes", "tcp")));
                // programs that exit at once, 50 of them
                for (int i = 0; i < 50; i++) {
                    try (Socket s = connect(netsvc.port("quick", "tcp"))) {
                        assertEquals(-1, s.getInputStream().read());
                    }
                }
                // 500 clients at max-connections 100: every one served, the rest waiting in the backlog
                assertEquals(500, fiveHundredThroughCat(netsvc.port("many", "tcp")));
                Await.until(WAIT, () -> "every program to end; running: " + running(netsvc), () -> running(netsvc) == 0);
                flooding.join();
            } finally {
                for (Socket s : held) {
                    s.close();
                }
                bystander.stop.set(true);
                watcher.join();
            }
            assertEquals(0, bystander.failures.get(), "echo-blocking kept serving: " + bystander);
            assertTrue(bystander.rounds.get() > 10, "echo-blocking was asked throughout: " + bystander);
            // busy programs (yes, a shell loop writing to stderr) and 500 forks share two cores here: the bound is
            // the probe's own timeout, the point that no answer is lost
            assertTrue(bystander.slowest.get() < 10_000, "and answered within 10 s each time: " + bystander);
            for (long pid : pids) {
                Await.until(WAIT, "program or child " + pid + " to be gone", () -> ProcFs.gone(pid));
            }
            Await.until(WAIT, () -> "no zombie child of the host: " + zombies(host), () -> zombies(host).isEmpty());
            Await.until(WAIT, () -> "the host's pipes back to " + pipesAtRest + ": " + descriptors(host),
                    () -> pipes(host) <= pipesAtRest);
            netsvc.awaitLine(WAIT, Pattern.compile(" noisy - pid \\d+: noise$"));
            String out = netsvc.stderrText();
            assertFalse(out.contains("Exception"), out);
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    netsvc.adminUri().resolve("metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(metrics.body().contains("netsvc_exec_programs_killed_total{service=\"stubborn\"} 1"), metrics.body());
            assertTrue(metrics.body().contains("netsvc_exec_programs_ended_total{reason=\"timeout\",service=\"stubborn\"} 1"), metrics.body());
            assertTrue(metrics.body().contains("netsvc_exec_programs_ended_total{reason=\"connection-closed\",service=\"neverreads\"} 1"),
                    metrics.body());
        }
    }

    /**
     * A host started by systemd has its notification socket, passed sockets and watchdog in its environment:
     * a program sees none of them. (LISTEN_PID and WATCHDOG_PID name another process, so the host itself
     * takes nothing from them either.)
     */
    @Test
    void aProgramNeverSeesSystemdsVariablesOfTheHost() throws Exception {
        Map<String, String> systemd = Map.of("NOTIFY_SOCKET", tmp.resolve("notify").toString(), "LISTEN_PID", "1",
                "LISTEN_FDS", "1", "LISTEN_FDNAMES", "netsvc-echo.socket", "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "1");
        try (DistProcess netsvc = DistProcess.runWith(systemd, "-e", "env", "--set", "env.instance-of=exec",
                "--set", "env.command=/usr/bin/env", "--set", "env.port=0");
             Socket s = connect(netsvc.port("env", "tcp"))) {
            s.shutdownOutput();
            List<String> names = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .map(l -> l.substring(0, l.indexOf('='))).sorted().toList();
            assertEquals(List.of("PATH", "PROTO", "TCPLOCALIP", "TCPLOCALPORT", "TCPREMOTEIP", "TCPREMOTEPORT"), names);
        }
    }

    @Test
    void aStopEndsEveryProgramWithinTheGraceAndTheHostExitsZero() throws Exception {
        List<String> args = new ArrayList<>(List.of("-e", "stubborn"));
        args.addAll(sets("stubborn.instance-of=exec", "stubborn.command=/bin/sh", "stubborn.port=0",
                "stubborn.args=-c 'trap \"\" TERM; echo $$; exec sleep 600'", "netsvc.shutdown-grace=2s"));
        try (DistProcess netsvc = DistProcess.run(args.toArray(String[]::new));
             Socket s = connect(netsvc.port("stubborn", "tcp"))) {
            long pid = Long.parseLong(line(s.getInputStream()));
            long stopping = System.nanoTime();
            assertEquals(0, netsvc.terminate(WAIT), netsvc::output);
            Duration took = Duration.ofNanos(System.nanoTime() - stopping);
            assertTrue(ProcFs.gone(pid), "the program is gone");
            assertTrue(took.compareTo(Duration.ofSeconds(2 + 3)) < 0, "within the grace and a little: " + took);
        }
    }

    private static List<Long> zombies(long host) {
        try {
            return ProcFs.zombieChildren(host);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long pipes(long host) {
        try {
            return ProcFs.pipes(host);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> descriptors(long host) {
        try {
            return ProcFs.descriptors(host);
        } catch (IOException e) {
            return List.of(e.toString());
        }
    }

    /** 500 clients at once, each a line through cat and back; returns how many got their line back. */
    private static int fiveHundredThroughCat(int port) throws Exception {
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Boolean>> all = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String text = "client " + i + "\n";
                all.add(CompletableFuture.supplyAsync(() -> {
                    try (Socket s = connect(port)) {
                        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
                        s.shutdownOutput();
                        return text.equals(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return false;
                    }
                }, clients));
            }
            return (int) all.stream().filter(CompletableFuture::join).count();
        }
    }

    /** Another service, asked over and over while the exec services are abused. */
    private static final class Bystander implements Runnable {
        final int port;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong rounds = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong slowest = new AtomicLong();

        Bystander(int port) {
            this.port = port;
        }

        @Override
        public void run() {
            for (int i = 0; i < 100_000 && !stop.get(); i++) {
                long start = System.nanoTime();
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write('?');
                    if (s.getInputStream().read() != '?') {
                        failures.incrementAndGet();
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                }
                slowest.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                rounds.incrementAndGet();
                try {
                    Thread.sleep(20); // the pace of the probe, not synchronisation
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        @Override
        public String toString() {
            return rounds + " rounds, " + failures + " failed, slowest " + slowest + " ms";
        }
    }
}
