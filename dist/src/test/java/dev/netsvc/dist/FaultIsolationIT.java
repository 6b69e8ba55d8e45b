package dev.netsvc.dist;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plugins that misbehave on purpose (see {@link FaultPlugin}) beside a healthy echo service: the faulty
 * one follows its restart policy, the echo service keeps serving real clients all along, and shutdown
 * ends within the grace plus 2 s whatever the faulty one does.
 */
class FaultIsolationIT {

    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    static Path work;
    static Path plugins;

    @BeforeAll
    static void buildFaultPlugin() throws IOException {
        plugins = DistProcess.copyOfPlugins(work);
        FaultPlugin.build(work, plugins);
    }

    private static DistProcess run(String faulty, String... settings) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-p", plugins.toString(),
                "--enable", "echo-blocking," + faulty, "--set", "echo-blocking.port=0"));
        for (String id : faulty.split(",")) {
            args.addAll(java.util.List.of("--set", id + ".port=0"));
        }
        for (String s : settings) {
            args.addAll(java.util.List.of("--set", s));
        }
        return DistProcess.launch(args.toArray(String[]::new));
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private static void assertEchoes(DistProcess netsvc, String text) throws Exception {
        LauncherIT.assertEcho(loopback(netsvc.port("echo-blocking", "tcp")), text);
    }

    /** Sends a line; returns the answer, or null when the service closed the connection without one. */
    private static String ask(int port, String line) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        } catch (java.net.SocketException e) {
            return null; // reset: the same as closed without an answer
        }
    }

    @Test
    void aStartThatThrowsBacksOffAndRunsOnceItSucceeds() throws Exception {
        try (DistProcess netsvc = run("flaky-start", "flaky-start.fail-starts=3")) {
            String ready = netsvc.awaitLine(T, Pattern.compile("netsvc ready: "));
            assertTrue(ready.endsWith("netsvc ready: 1 of 2 services running; flaky-start: backoff "
                    + "(flaky start 1 of 3 fails on purpose)"), ready);
            assertEchoes(netsvc, "during the backoff");
            netsvc.awaitLine(T, Pattern.compile("flaky-start listening on tcp"));
            assertEquals("ok hello", ask(netsvc.port("flaky-start", "tcp"), "hello"));
            assertEchoes(netsvc, "after the restart");

            DistProcess.Result status = netsvc.control("status");
            assertEquals(0, status.exitCode(), status::toString);
            String row = status.stdout().lines().filter(l -> l.startsWith("flaky-start ")).findFirst().orElseThrow();
            assertTrue(row.matches("flaky-start +running +tcp 127\\.0\\.0\\.1:\\d+ +\\S+ +3 +faults 1\\.0\\.0 +\\d+s"), row);
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    @Test
    void aHandlerThatThrowsOrOverflowsTheStackCostsOnlyItsConnection() throws Exception {
        try (DistProcess netsvc = run("throws,overflow")) {
            netsvc.awaitReady(T);
            for (int i = 0; i < 20; i++) {
                assertEquals(null, ask(netsvc.port("throws", "tcp"), "x" + i), "throws answers nothing");
                assertEquals(null, ask(netsvc.port("overflow", "tcp"), "y" + i), "overflow answers nothing");
                assertEchoes(netsvc, "echo " + i);
            }
            DistProcess.Result status = netsvc.control("status", "--json");
            assertEquals(0, status.exitCode(), status::toString);
            for (String id : new String[] {"throws", "overflow"}) {
                assertTrue(status.stdout().matches("(?s).*\\{\"id\":\"" + id + "\",[^}]*\"state\":\"running\".*"), status::toString);
            }
            assertTrue(status.stdout().contains("\"restarts\":0"), status::toString);
            assertTrue(netsvc.isAlive());
            assertTrue(netsvc.stderrText().contains(": StackOverflowError at faults.Overflow.recurse("), netsvc::output);
            assertTrue(netsvc.stderrText().contains(": IllegalStateException: handler throws on purpose at faults.Throws.serve("),
                    netsvc::output);
            assertTrue(!netsvc.stderrText().contains("\tat "), () -> "one line per fault, no stack traces\n" + netsvc.output());
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    @Test
    void aServiceThatLosesItsEngineIsRestartedUntilItsLimitThenFailed() throws Exception {
        try (DistProcess netsvc = run("dies", "dies.after=2", "dies.restart-limit=2")) {
            netsvc.awaitReady(T);
            for (int run = 1; run <= 3; run++) {
                netsvc.awaitLines(T, Pattern.compile("dies listening on tcp"), run);
                int port = netsvc.port("dies", "tcp");
                for (int c = 0; c < 2; c++) {
                    assertEquals("ok run" + run, ask(port, "run" + run));
                }
                netsvc.awaitLines(T, Pattern.compile("dies died: accept loop lost on purpose"), run);
                assertEchoes(netsvc, "while dies dies, run " + run);
            }
            netsvc.awaitLine(T, Pattern.compile("dies failed: died: accept loop lost on purpose"));
            DistProcess.Result status = netsvc.control("status");
            String row = status.stdout().lines().filter(l -> l.startsWith("dies ")).findFirst().orElseThrow();
            assertTrue(row.matches("dies +failed +- +\\S+ +2 +faults.*"), status::toString);
            assertEchoes(netsvc, "after dies failed");

            DistProcess.Result start = netsvc.control("start", "dies");
            assertEquals(0, start.exitCode(), start::toString);
            assertEquals("dies: running", start.stdout().strip());
            assertEquals("ok again", ask(netsvc.port("dies", "tcp"), "again"));
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        }
    }

    @Test
    void shutdownEndsWithinTheGracePlusTwoSecondsDespiteAHungStopAndALeakedThread() throws Exception {
        try (DistProcess netsvc = run("hangs-stop,leaks-thread", "netsvc.shutdown-grace=1s")) {
            netsvc.awaitReady(T);
            assertEquals("ok up", ask(netsvc.port("hangs-stop", "tcp"), "up"));
            assertEchoes(netsvc, "before shutdown");
            long t0 = System.nanoTime();
            int code = netsvc.terminate(T);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, code, netsvc::output);
            assertTrue(millis < 3000, () -> "exited " + millis + " ms after SIGTERM; grace 1 s + 2 s\n" + netsvc.output());
            assertTrue(netsvc.stderrText().contains("hangs-stop did not stop within its grace of 1000 ms; abandoned"),
                    netsvc::output);
            assertNotEquals(-1, netsvc.stderrText().indexOf("netsvc stopped"), netsvc::output);
        }
    }
}
