package dev.netsvc.core.process;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Programs started through posix_spawn: real processes, read through /proc. */
class SpawnerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Path ROOT = Path.of("/");
    private static Spawner spawner;

    @BeforeAll
    static void spawner() {
        spawner = Spawner.get().orElse(null);
        if ("1".equals(System.getenv("NETSVC_REQUIRE_TOOLS"))) { // CI: glibc 2.36 and Java 25, as Debian 12 runs it
            assertTrue(spawner != null, Spawner.whyNot());
        }
        Assumptions.assumeTrue(spawner != null, Spawner.whyNot());
    }

    private static Process start(String... command) throws IOException {
        return spawner.start(List.of(command), Map.of("PATH", "/usr/bin:/bin"), ROOT);
    }

    private static String output(Process p) throws IOException {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static int exit(Process p) throws InterruptedException {
        assertTrue(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the program ended");
        return p.exitValue();
    }

    @Test
    void exitStatusAndSignalsAreTheJdks() throws Exception {
        assertEquals(0, exit(start("/bin/true")));
        assertEquals(7, exit(start("/bin/sh", "-c", "exit 7")));
        assertEquals(128 + 15, exit(start("/bin/sh", "-c", "kill -TERM $$; sleep 5")));
        Process sleeper = start("/bin/sleep", "60");
        assertTrue(sleeper.isAlive());
        assertThrows(IllegalThreadStateException.class, sleeper::exitValue);
        sleeper.destroyForcibly();
        assertEquals(128 + 9, exit(sleeper));
        assertFalse(sleeper.isAlive());
        assertTrue(sleeper.onExit().isDone());
        sleeper.destroy(); // reaped: no signal goes to whatever has its pid now
    }

    @Test
    void theProgramLeadsASessionAndProcessGroupOfItsOwn() throws Exception {
        Process p = start("/bin/sh", "-c", "read -r line < /proc/$$/stat; echo \"$line\"");
        String stat = output(p);
        // pid (comm) state ppid pgrp session ...
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(p.pid(), Long.parseLong(fields[2]), "pgid == pid: " + stat);
        assertEquals(p.pid(), Long.parseLong(fields[3]), "sid == pid: " + stat);
        assertEquals(ProcessHandle.current().pid(), Long.parseLong(fields[1]), "its parent is this JVM");
        assertEquals(0, exit(p));
        ProcessGroup.ledBy(p.toHandle()); // a group a service may signal
    }

    @Test
    void itHoldsItsThreePipesAndNoOtherDescriptor() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Process p = start("/bin/ls", "-l", "/proc/self/fd/");
            String listing = output(p);
            assertEquals(0, exit(p));
            Map<Integer, String> fds = new LinkedHashMap<>();
            for (String line : listing.lines().toList()) {
                int arrow = line.indexOf(" -> ");
                if (arrow > 0) {
                    String[] words = line.substring(0, arrow).split(" +");
                    fds.put(Integer.parseInt(words[words.length - 1]), line.substring(arrow + 4));
                }
            }
            for (int fd = 0; fd <= 2; fd++) {
                assertTrue(fds.getOrDefault(fd, "").startsWith("pipe:"), "descriptor " + fd + " is a pipe: " + listing);
            }
            fds.keySet().removeAll(Set.of(0, 1, 2));
            // ls's own: the folder it lists
            assertTrue(fds.values().stream().allMatch(target -> target.startsWith("/proc/")),
                    "no descriptor of this JVM's (" + listening + " among them): " + listing);
        }
    }

    @Test
    void noSignalIsBlockedOrIgnored() throws Exception {
        sun.misc.Signal hup = new sun.misc.Signal("HUP");
        sun.misc.SignalHandler before = sun.misc.Signal.handle(hup, sun.misc.SignalHandler.SIG_IGN);
        try {
            Process p = start("/bin/grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status");
            String masks = output(p);
            assertEquals(0, exit(p));
            Map<String, Long> sets = masks.lines().map(l -> l.split(":\t"))
                    .collect(Collectors.toMap(w -> w[0], w -> Long.parseUnsignedLong(w[1], 16)));
            assertEquals(0, sets.get("SigBlk"), masks);
            // signals 1 to 31 at their default (this JVM ignores SIGHUP now); glibc's posix_spawn ignores its own
            // two internal ones, 32 and 33, as in every program the JDK starts
            assertEquals(0, sets.get("SigIgn") & 0x7fff_ffffL, masks);
        } finally {
            sun.misc.Signal.handle(hup, before);
        }
    }

    @Test
    void itStartsInTheFolderGivenWithExactlyTheEnvironmentGiven(@TempDir Path dir) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/bin");
        env.put("GREETING", "hello world");
        env.put("EMPTY", "");
        env.put("UTF8", "grüß");
        Process p = spawner.start(List.of("/bin/sh", "-c", "pwd; exec /usr/bin/env"), env, dir);
        List<String> lines = output(p).lines().toList();
        assertEquals(0, exit(p));
        assertEquals(dir.toRealPath().toString(), lines.get(0));
        Set<String> expected = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.toSet());
        Set<String> got = new java.util.HashSet<>(lines.subList(1, lines.size()));
        got.remove("PWD=" + dir.toRealPath()); // the shell's own, exported to env
        assertEquals(expected, got);
    }

    @Test
    void aProgramThatCannotBeExecutedIsSaidInPlainWords(@TempDir Path dir) throws IOException {
        IOException missing = assertThrows(IOException.class, () -> start("/no/such/program"));
        assertTrue(missing.getMessage().startsWith("no such file"), missing.getMessage());
        Path notExecutable = Files.writeString(dir.resolve("script"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-r--r--"));
        IOException denied = assertThrows(IOException.class, () -> start(notExecutable.toString()));
        assertTrue(denied.getMessage().startsWith("permission denied"), denied.getMessage());
        IOException nul = assertThrows(IOException.class, () -> start("/bin/echo", "a\0b"));
        assertTrue(nul.getMessage().contains("NUL"), nul.getMessage());
    }

    @Test
    void bytesGoBothWaysThroughThePipesFromVirtualThreads() throws Exception {
        byte[] input = new byte[1 << 20];
        new Random(29).nextBytes(input);
        Process p = start("/bin/cat");
        CompletableFuture<byte[]> out = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                out.complete(p.getInputStream().readAllBytes());
            } catch (IOException e) {
                out.completeExceptionally(e);
            }
        });
        Thread writer = Thread.ofVirtual().start(() -> {
            try (var stdin = p.getOutputStream()) {
                stdin.write(input);
            } catch (IOException e) {
                out.completeExceptionally(e);
            }
        });
        assertArrayEquals(input, out.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        writer.join();
        reader.join();
        assertEquals(0, exit(p));
        Process err = start("/bin/sh", "-c", "echo out; echo err >&2");
        assertEquals("err\n", new String(err.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("out\n", output(err));
    }

    @Test
    void manyProgramsLeaveNoZombie() throws Exception {
        List<Process> started = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Process p = start("/bin/true");
            p.getOutputStream().close();
            p.getInputStream().close();
            p.getErrorStream().close();
            started.add(p);
        }
        for (Process p : started) {
            assertEquals(0, exit(p));
        }
        Set<Long> pids = started.stream().map(Process::pid).collect(Collectors.toSet());
        // exited means reaped: none of them is a child of this JVM any more, zombie or not
        List<Long> left = children().stream().filter(pids::contains).toList();
        assertTrue(left.isEmpty(), "still children of ours: " + left);
    }

    private static List<Long> children() throws IOException {
        List<Long> children = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String list = Files.readString(task.resolve("children")).strip();
                    if (!list.isEmpty()) {
                        Arrays.stream(list.split(" ")).map(Long::parseLong).forEach(children::add);
                    }
                } catch (IOException e) {
                    // the thread ended while we looked
                }
            }
        }
        return children;
    }
}
