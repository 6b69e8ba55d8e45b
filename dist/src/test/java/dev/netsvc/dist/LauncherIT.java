package dev.netsvc.dist;

import dev.netsvc.testkit.EchoConformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher as a user meets it: help, version, configuration errors, failures, signals. */
class LauncherIT {

    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void helpAndVersion() {
        DistProcess.Result help = DistProcess.exec(T, "--help");
        assertEquals(0, help.exitCode(), help::toString);
        for (String command : new String[] {"run", "check", "status", "reload", "list", "call", "bench", "resolve"}) {
            assertTrue(help.stdout().contains("  " + command), () -> "help lists " + command + "\n" + help);
        }
        DistProcess.Result version = DistProcess.exec(T, "--version");
        assertEquals(0, version.exitCode(), version::toString);
        assertTrue(version.stdout().matches("(?s)netsvc \\d+\\.\\d+\\.\\d+.*"), version::toString);

        DistProcess.Result runHelp = DistProcess.exec(T, "run", "--help");
        assertEquals(0, runHelp.exitCode(), runHelp::toString);
        for (String option : new String[] {"--plugins-dir", "--config", "--set", "--enable", "--disable", "--bind"}) {
            assertTrue(runHelp.stdout().contains(option), () -> "run --help shows " + option + "\n" + runHelp);
        }
    }

    @Test
    void noArgumentsOrUnknownCommandIsAUsageError() {
        DistProcess.Result none = DistProcess.exec(T);
        assertEquals(2, none.exitCode(), none::toString);
        assertTrue(none.stderr().contains("usage: netsvc"), none::toString);

        DistProcess.Result typo = DistProcess.exec(T, "rnu");
        assertEquals(2, typo.exitCode(), typo::toString);
        assertTrue(typo.stderr().contains("unknown command 'rnu'") && typo.stderr().contains("did you mean run?"), typo::toString);

        DistProcess.Result badOption = DistProcess.exec(T, "run", "--frobnicate");
        assertEquals(2, badOption.exitCode(), badOption::toString);
        assertTrue(badOption.stderr().contains("--frobnicate"), badOption::toString);
    }

    @Test
    void unknownKeyExitsTwoNamingTheKey() {
        DistProcess.Result r = DistProcess.exec(T, "run", "--set", "echo-blocking.max-conections=5");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("unknown key 'echo-blocking.max-conections'"), r::toString);
        assertTrue(r.stderr().contains("did you mean echo-blocking.max-connections?"), r::toString);

        // a key of an id no plugin provides waits for one, in a warning that names the id it is close to
        DistProcess.Result service = DistProcess.exec(T, "check", "--set", "ecoh-blocking.port=1", "--enable", "echo-blocking",
                "--set", "echo-blocking.port=0");
        assertEquals(0, service.exitCode(), service::toString);
        assertTrue(service.stderr().contains("netsvc: warning: keys for ecoh-blocking (ecoh-blocking.port in --set) are kept,"
                + " waiting for a plugin that provides a service called 'ecoh-blocking'; did you mean echo-blocking?"), service::toString);
    }

    @Test
    void invalidValueExitsTwoSayingWhatIsValid(@TempDir Path tmp) throws IOException {
        DistProcess.Result port = DistProcess.exec(T, "run", "--set", "echo-blocking.port=70000");
        assertEquals(2, port.exitCode(), port::toString);
        assertTrue(port.stderr().contains("echo-blocking.port") && port.stderr().contains("0..65535"), port::toString);

        Path conf = tmp.resolve("my.properties");
        Files.writeString(conf, "echo-blocking.idle-timeout=soon\n");
        DistProcess.Result file = DistProcess.exec(T, "run", "--config", conf.toString());
        assertEquals(2, file.exitCode(), file::toString);
        assertTrue(file.stderr().contains("echo-blocking.idle-timeout") && file.stderr().contains(conf.toString()), file::toString);

        DistProcess.Result bind = DistProcess.exec(T, "run", "--bind", "localhost");
        assertEquals(2, bind.exitCode(), bind::toString);
        assertTrue(bind.stderr().contains("netsvc.bind") && bind.stderr().contains("not an IP address"), bind::toString);

        DistProcess.Result enable = DistProcess.exec(T, "run", "--enable", "echo-blockin");
        assertEquals(2, enable.exitCode(), enable::toString);
        assertTrue(enable.stderr().contains("'echo-blockin'") && enable.stderr().contains("did you mean echo-blocking?"), enable::toString);

        DistProcess.Result missing = DistProcess.exec(T, "run", "--config", tmp.resolve("nope.properties").toString());
        assertEquals(2, missing.exitCode(), missing::toString);
        assertTrue(missing.stderr().contains("nope.properties"), missing::toString);
    }

    @Test
    void portInUseExitsOneNamingThePort() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            DistProcess.Result r = DistProcess.exec(T, "run", "--enable", "echo-blocking", "--set", "echo-blocking.port=" + port);
            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.stderr().contains("port " + port + " on 127.0.0.1 is already in use by another process"), r::toString);
            assertTrue(r.stderr().contains("echo-blocking"), r::toString);
            assertFalse(r.stderr().contains("\tat "), () -> "no stack trace\n" + r);
        }
    }

    @Test
    void aServiceWhosePortIsTakenBacksOffTheReadyLineSaysSoAndItStartsOnceFree() throws Exception {
        ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        int port = taken.getLocalPort();
        try (DistProcess netsvc = DistProcess.launch("--enable", "echo-blocking,echo-async", "--set", "echo-blocking.port=0",
                "--set", "echo-async.port=" + port, "--set", "echo-async.restart-limit=20")) {
            String ready = netsvc.awaitLine(T, Pattern.compile("netsvc ready: "));
            assertTrue(ready.endsWith("netsvc ready: 1 of 2 services running; echo-async: backoff (port " + port
                    + " on 127.0.0.1 is already in use)"), ready);
            assertEcho(loopback(netsvc.port("echo-blocking", "tcp")), "the other one runs");
            taken.close();
            netsvc.awaitLine(T, Pattern.compile("echo-async listening on tcp 127\\.0\\.0\\.1:" + port));
            assertEcho(loopback(port), "started once its port was free");
            assertEquals(0, netsvc.terminate(T), netsvc::output);
        } finally {
            taken.close();
        }
    }

    @Test
    void sigtermStopsEveryServiceAndExitsZeroPromptly() throws IOException {
        try (DistProcess netsvc = DistProcess.run("--set", "echo-blocking.port=0")) {
            int port = netsvc.port("echo-blocking", "tcp");
            // an idle client must not hold the shutdown up for the grace period
            try (Socket idle = new Socket(InetAddress.getLoopbackAddress(), port)) {
                long t0 = System.nanoTime();
                int code = netsvc.terminate(Duration.ofSeconds(10));
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(0, code, netsvc::output);
                assertTrue(millis < 4000, () -> "stopped in " + millis + " ms, within the 5s grace\n" + netsvc.output());
                assertTrue(netsvc.stderrText().contains("netsvc stopped"), netsvc::output);
                // the idle client sees an orderly end of stream
                idle.setSoTimeout(5000);
                assertEquals(-1, idle.getInputStream().read());
            }
        }
    }

    @Test
    void corruptPluginJarIsReportedAndEchoStillRuns(@TempDir Path tmp) throws Exception {
        Path plugins = DistProcess.copyOfPlugins(tmp);
        Files.write(plugins.resolve("broken.jar"), "this is not a zip file".getBytes(StandardCharsets.US_ASCII));
        Files.write(plugins.resolve("no-manifest.jar"), emptyJar());
        try (DistProcess netsvc = DistProcess.run("-p", plugins.toString(), "--enable", "echo-blocking",
                "--set", "echo-blocking.port=0")) {
            String report = netsvc.awaitLine(T, Pattern.compile("broken\\.jar"));
            assertTrue(report.contains("cannot be loaded"), report);
            netsvc.awaitLine(T, Pattern.compile("no-manifest\\.jar"));
            assertFalse(netsvc.stderrText().contains("\tat "), () -> "no stack trace\n" + netsvc.output());
            assertEcho(loopback(netsvc.port("echo-blocking", "tcp")), "still echoing");
        }
    }

    @Test
    void noServiceAtAllExitsOne(@TempDir Path tmp) throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("plugins"));
        DistProcess.Result r = DistProcess.exec(T, "run", "-p", empty.toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("no services"), r::toString);

        DistProcess.Result missing = DistProcess.exec(T, "run", "-p", tmp.resolve("absent").toString());
        assertEquals(2, missing.exitCode(), missing::toString);
        assertTrue(missing.stderr().contains("absent") && missing.stderr().contains("does not exist"), missing::toString);

        DistProcess.Result call = DistProcess.exec(T, "call", "-p", tmp.resolve("absent").toString(), "echo", "x");
        assertEquals(2, call.exitCode(), call::toString);
        assertTrue(call.stderr().contains("absent") && call.stderr().contains("does not exist"), call::toString);
        assertFalse(call.stderr().contains("\tat "), () -> "no stack trace\n" + call);
    }

    @Test
    void configPrecedenceFileThenConfigThenSet(@TempDir Path tmp) throws Exception {
        Path conf = tmp.resolve("override.properties");
        Files.writeString(conf, "echo-blocking.port=0\necho-blocking.enabled=false\n");
        // --config disables echo-blocking; --set (higher) enables it again
        try (DistProcess netsvc = DistProcess.run("--config", conf.toString(), "--set", "echo-blocking.enabled=true")) {
            assertEcho(loopback(netsvc.port("echo-blocking", "tcp")), "precedence");
        }
        DistProcess.Result off = DistProcess.exec(T, "run", "--config", conf.toString(), "--enable", "echo-blocking",
                "--disable", "echo-blocking", "--set", "plugins.watch=false");
        assertEquals(2, off.exitCode(), off::toString);
        assertTrue(off.stderr().contains("nothing to run"), off::toString);
    }

    @Test
    void servesOnIpv6LoopbackWhenAskedTo() throws Exception {
        try (DistProcess netsvc = DistProcess.run("--bind", "::1", "--enable", "echo-blocking", "--set", "echo-blocking.port=0")) {
            netsvc.awaitLine(T, Pattern.compile("echo-blocking listening on tcp \\[::1\\]:\\d+"));
            assertEcho(new InetSocketAddress(InetAddress.getByName("::1"), netsvc.port("echo-blocking", "tcp")), "v6");
        }
    }

    @Test
    void listShowsPluginsServicesAndKeys() {
        DistProcess.Result r = DistProcess.exec(T, "list");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().contains("echo-blocking-"), () -> "jar shown\n" + r);
        assertTrue(r.stdout().matches("(?s).*service echo-blocking\\s+tcp\\s+port 7007.*"), r::toString);
        assertTrue(r.stdout().contains("echo-blocking.max-connections"), r::toString);
    }

    @Test
    void resolveLocalhost() {
        DistProcess.Result r = DistProcess.exec(T, "resolve", "localhost");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().contains("127.0.0.1 IPv4"), r::toString);

        DistProcess.Result v6 = DistProcess.exec(T, "resolve", "::1");
        assertEquals(0, v6.exitCode(), v6::toString);
        assertEquals("::1 IPv6", v6.stdout().strip(), v6::toString);

        DistProcess.Result unknown = DistProcess.exec(T, "resolve", "no-such-host.invalid");
        assertEquals(1, unknown.exitCode(), unknown::toString);
        assertTrue(unknown.stderr().contains("'no-such-host.invalid' was not found"), unknown::toString);
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    static void assertEcho(InetSocketAddress address, String text) throws Exception {
        byte[] sent = text.getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(sent, EchoConformance.roundTrip(address, sent), "echoed by " + address);
    }

    private static byte[] emptyJar() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("hello.txt"));
            zip.write("not a plugin".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }
}
