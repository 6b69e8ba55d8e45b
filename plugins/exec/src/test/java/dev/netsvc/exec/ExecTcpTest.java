package dev.netsvc.exec;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.Counters;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An exec service over TCP, with real programs and real sockets on loopback. */
class ExecTcpTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    static ServiceHarness exec(String command, String... settings) {
        ServiceHarness harness = ServiceHarness.of(new ExecService()).set("command", command).grace(Duration.ofSeconds(2));
        for (int i = 0; i + 1 < settings.length; i += 2) {
            harness.set(settings[i], settings[i + 1]);
        }
        return harness;
    }

    static Socket connect(ServiceHarness service) throws IOException {
        Socket socket = new Socket();
        socket.connect(service.tcp(), 5000);
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    /** Sends {@code input}, half-closes, and reads everything until the server's end of output. */
    static byte[] exchange(ServiceHarness service, byte[] input) throws IOException {
        try (Socket socket = connect(service)) {
            CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readAll(socket));
            socket.getOutputStream().write(input);
            socket.shutdownOutput();
            return output.join();
        }
    }

    static byte[] readAll(Socket socket) {
        try {
            return socket.getInputStream().readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static long pidFromFirstLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            line.write(b);
        }
        return Long.parseLong(line.toString(StandardCharsets.US_ASCII).strip());
    }

    static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    @Test
    void catEchoesLargeStreamsBothWaysAndTheHalfCloseEndsItsInput() throws IOException {
        byte[] big = new byte[4 << 20];
        new Random(29).nextBytes(big);
        try (ServiceHarness cat = exec("/bin/cat").start()) {
            assertArrayEquals(big, exchange(cat, big), "4 MiB through cat and back, written and read at once");
            assertArrayEquals(new byte[0], exchange(cat, new byte[0]), "an empty input: cat ends at once");
            Await.until(WAIT, "the programs to be counted as ended", () -> cat.counters().get(Counters.EXEC_PROGRAMS_ENDED.member("exit")) == 2);
            assertEquals(big.length, cat.counters().get(Counters.TCP_BYTES_RECEIVED), "bytes from the client");
            assertEquals(big.length, cat.counters().get(Counters.TCP_BYTES_SENT), "bytes to the client");
            assertEquals(0, cat.counters().get(Counters.EXEC_PROGRAMS_RUNNING));
        }
    }

    @Test
    void theProgramLearnsItsClientAsUcspiTcpSaysAndNothingOfTheHostsEnvironment() throws IOException {
        try (ServiceHarness env = exec("/usr/bin/env", "env.GREETING", "hello there", "env.LANG", "C.UTF-8").start();
             Socket socket = connect(env)) {
            socket.shutdownOutput();
            List<String> lines = text(socket.getInputStream().readAllBytes()).lines().sorted().toList();
            int port = env.tcpPort();
            assertEquals(List.of("GREETING=hello there", "LANG=C.UTF-8", "PATH=" + ProgramStarter.DEFAULT_PATH, "PROTO=TCP",
                    "TCPLOCALIP=127.0.0.1", "TCPLOCALPORT=" + port, "TCPREMOTEIP=127.0.0.1",
                    "TCPREMOTEPORT=" + socket.getLocalPort()), lines);
        }
    }

    @Test
    void argumentsAndTheWorkingFolderAreTheConfiguredOnes() throws IOException {
        try (ServiceHarness sh = exec("/bin/sh", "args", "-c 'pwd; echo \"$0|$1\"' 'zero word' one", "working-dir", "/tmp").start()) {
            assertEquals("/tmp\nzero word|one\n", text(exchange(sh, new byte[0])));
        }
    }

    @Test
    void aScriptThatReadsOneLineAnswersAndTheClientsRestIsDroppedQuietly() throws IOException {
        try (ServiceHarness greet = exec("/bin/sh", "args", "-c 'read name; echo \"hello, $name\"'").start();
             Socket socket = connect(greet)) {
            socket.getOutputStream().write("world\nmore the script never reads\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("hello, world\n", text(socket.getInputStream().readAllBytes()), "its answer, then the end");
        }
    }

    @Test
    void aProgramThatCannotBeExecutedIsCountedAndItsClientClosedAndTheServiceServesOn() throws IOException {
        try (ServiceHarness missing = exec("/nonexistent/program").start()) {
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(new byte[0], exchange(missing, "hello\n".getBytes(StandardCharsets.US_ASCII)));
            }
            Await.until(WAIT, "two failed starts counted", () -> missing.counters().get(Counters.EXEC_PROGRAMS_NOT_STARTED) == 2);
            assertEquals(0, missing.counters().get(Counters.EXEC_PROGRAMS_RUNNING));
        }
    }

    @Test
    void whatTheProgramStartedEndsWithIt() throws IOException {
        try (ServiceHarness forks = exec("/bin/sh", "args", "-c 'sleep 600 & echo $!; exit 0'").start();
             Socket socket = connect(forks)) {
            long child = pidFromFirstLine(socket.getInputStream());
            assertEquals(-1, socket.getInputStream().read(), "the output ends once its child is ended too");
            Await.until(WAIT, "the child sleep " + child + " to be gone", () -> gone(child));
        }
    }

    @Test
    void atItsTimeoutAProgramGetsTermThenKillWhenItIgnoresTerm() throws IOException {
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (ServiceHarness stubborn = exec("/bin/sh", "args", "-c 'trap \"\" TERM; echo $$; sleep 600'", "timeout", "10s")
                .clock(clock).start();
             Socket socket = connect(stubborn)) {
            long pid = pidFromFirstLine(socket.getInputStream());
            clock.advance(Duration.ofSeconds(9));
            assertFalse(gone(pid), "running before its timeout");
            // from the timeout on, the clock moves a little at each look: SIGTERM, ignored, then SIGKILL a grace later
            clock.advance(Duration.ofSeconds(1));
            Await.until(WAIT, "the program to be killed", () -> {
                clock.advance(Duration.ofMillis(50));
                return gone(pid);
            });
            assertEquals(-1, socket.getInputStream().read(), "its connection ends");
            socket.close(); // the service lingers for the client's end (on the clock that stands still here)
            Await.until(WAIT, "counted as ended at its timeout and killed", () ->
                    stubborn.counters().get(Counters.EXEC_PROGRAMS_ENDED.member("timeout")) == 1
                            && stubborn.counters().get(Counters.EXEC_PROGRAMS_KILLED) == 1);
        }
    }

    @Test
    void aClientThatGoesAwayEndsItsProgram() throws IOException {
        try (ServiceHarness yes = exec("/usr/bin/yes").start()) {
            Socket socket = connect(yes);
            assertEquals('y', socket.getInputStream().read());
            socket.setSoLinger(true, 0); // a reset: the client is gone
            socket.close();
            Await.until(WAIT, "the program ended for its client", () ->
                    yes.counters().get(Counters.EXEC_PROGRAMS_ENDED.member("client-gone")) == 1);
            assertEquals(0, yes.counters().get(Counters.EXEC_PROGRAMS_RUNNING));
        }
    }

    @Test
    void theIdleTimeoutEndsASilentProgramAndItsConnection() throws IOException {
        try (ServiceHarness silent = exec("/bin/sleep", "args", "600", "idle-timeout", "300ms").start();
             Socket socket = connect(silent)) {
            assertEquals(-1, readOrReset(socket), "the connection is closed at the idle timeout");
            Await.until(WAIT, "the program ended", () ->
                    silent.counters().get(Counters.EXEC_PROGRAMS_ENDED.member("connection-closed")) == 1);
        }
    }

    @Test
    void aStopEndsEveryProgramWithinTheGraceEvenOneThatIgnoresTerm() throws IOException {
        long pid;
        long stopping;
        try (ServiceHarness stubborn = exec("/bin/sh", "args", "-c 'trap \"\" TERM; echo $$; sleep 600'")
                .grace(Duration.ofMillis(1500)).start();
             Socket socket = connect(stubborn)) {
            pid = pidFromFirstLine(socket.getInputStream());
            stopping = System.nanoTime();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - stopping);
        assertTrue(gone(pid), "the program is gone once the service has stopped");
        assertTrue(took.compareTo(Duration.ofMillis(1500 + 1500)) < 0, "within the grace and a little: " + took);
    }

    @Test
    void atMaxConnectionsTheNextClientWaitsForAProgramToEnd() throws IOException {
        try (ServiceHarness line = exec("/bin/sh", "args", "-c 'read x; echo $x'", "max-connections", "1").start();
             Socket first = connect(line);
             Socket second = connect(line)) { // completes: the kernel queues it
            second.getOutputStream().write("second\n".getBytes(StandardCharsets.US_ASCII));
            second.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> second.getInputStream().read(), "not served yet");
            first.getOutputStream().write("first\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("first\n", text(first.getInputStream().readAllBytes()));
            second.setSoTimeout((int) WAIT.toMillis());
            assertEquals("second\n", text(second.getInputStream().readAllBytes()), "served once the first ended");
        }
    }

    @Test
    void standardErrorGoesToTheLogAtItsRateAndNeverBlocksTheProgram() throws IOException {
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z")); // one second, all along
        String flood = "-c 'i=0; while [ $i -lt 2000 ]; do echo \"line $i of noise\" >&2; i=$((i+1)); done; echo done'";
        try (ServiceHarness noisy = exec("/bin/sh", "args", flood, "stderr-rate", "5").clock(clock).start()) {
            assertEquals("done\n", text(exchange(noisy, new byte[0])));
            Await.until(WAIT, "the lines counted", () -> noisy.counters().get(Counters.EXEC_STDERR_DROPPED) == 1995);
            assertEquals(5, noisy.counters().get(Counters.EXEC_STDERR_LOGGED));
        }
    }

    @Test
    void theCommandIsRequiredAbsoluteAndAUserMustExist() {
        ConfigException missing = assertThrows(ConfigException.class, () -> ServiceHarness.of(new ExecService()).start());
        assertEquals("exec.command", missing.key());
        assertTrue(missing.getMessage().contains("exec.command is required"), missing.getMessage());
        ConfigException relative = assertThrows(ConfigException.class, () -> exec("cat").start());
        assertTrue(relative.getMessage().contains("'cat' is not an absolute path"), relative.getMessage());
        ConfigException user = assertThrows(ConfigException.class, () -> exec("/bin/cat", "user", "no-such-user-29").start());
        assertEquals("exec.user", user.key());
        assertTrue(user.getMessage().contains("there is no user 'no-such-user-29'"), user.getMessage());
        ConfigException quote = assertThrows(ConfigException.class, () -> exec("/bin/cat", "args", "'open").start());
        assertEquals("exec.args", quote.key());
        ConfigException env = assertThrows(ConfigException.class, () -> exec("/bin/cat", "env.1BAD", "x").start());
        assertTrue(env.getMessage().contains("exec.env.1BAD") && env.getMessage().contains("[A-Za-z_][A-Za-z0-9_]*"),
                env.getMessage());
    }

    @Test
    void systemdsVariablesAreNeverAProgramsAndCannotBeSetForIt() {
        for (String name : List.of("NOTIFY_SOCKET", "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "WATCHDOG_USEC", "WATCHDOG_PID")) {
            ConfigException refused = assertThrows(ConfigException.class, () -> exec("/usr/bin/env", "env." + name, "1").start());
            assertEquals("exec.env." + name, refused.key());
            assertTrue(refused.getMessage().contains("invalid key exec.env." + name + ": " + name + " is systemd's word to netsvc"),
                    refused.getMessage());
        }
    }

    @Test
    void asRootAProgramRunsAsTheConfiguredUserWithItsGroupAndNoOther() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(HostRights.maySwitchUsers(), "needs root or CAP_SETUID and CAP_SETGID");
        try (ServiceHarness id = exec("/bin/sh", "args", "-c 'id -u; id -g; id -G; grep CapEff /proc/self/status'",
                "user", "nobody").start()) {
            List<String> lines = text(exchange(id, new byte[0])).lines().toList();
            assertEquals("65534", lines.get(0), "uid");
            assertEquals(lines.get(1), lines.get(2), "its primary group only: " + lines);
            assertEquals("CapEff:\t0000000000000000", lines.get(3), "no capability left");
        }
    }

    static int readOrReset(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read();
        } catch (java.net.SocketException e) {
            return -1;
        }
    }
}
