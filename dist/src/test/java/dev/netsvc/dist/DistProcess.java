package dev.netsvc.dist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The assembled distribution, started as a child process exactly as a user would start it:
 * {@code bin/netsvc ARGS}. {@link #start} is for {@code netsvc run}; {@link #exec} for one-shot commands.
 */
final class DistProcess implements AutoCloseable {

    /** The unpacked distribution under dist/target, set by the failsafe configuration. */
    static Path home() {
        String dir = System.getProperty("netsvc.dist");
        if (dir == null) {
            throw new IllegalStateException("system property netsvc.dist is not set; run through 'mvn verify'");
        }
        return Path.of(dir);
    }

    static Path launcher() {
        return home().resolve("bin").resolve("netsvc");
    }

    private static final Pattern LISTENING = Pattern.compile(" (\\S+) listening on (tcp|udp) (\\S+):(\\d+)$");
    private static final Pattern READY = Pattern.compile("netsvc ready: (\\d+) of (\\d+) services? running");

    private final Process process;
    private Path controlSocket;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final AtomicInteger pumpsDone = new AtomicInteger();

    private DistProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout, "stdout");
        pump(process.getErrorStream(), stderr, "stderr");
    }

    /** Starts {@code bin/netsvc ARGS} in the background; stdin is left open for the test to use. */
    static DistProcess start(String... args) {
        return start(Map.of(), args);
    }

    static DistProcess start(Map<String, String> env, String... args) {
        return startIn(home(), env, args);
    }

    /**
     * Starts {@code HOME/bin/netsvc ARGS}. Without the start cache unless {@code env} sets
     * NETSVC_START_CACHE: the tests share one installation and time its exits, and writing the archive
     * lengthens the first exit; StartCacheIT tests the cache on its own copy.
     */
    static DistProcess startIn(Path home, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin").resolve("netsvc").toString());
        command.addAll(Arrays.asList(args));
        return start(env, command, home);
    }

    /**
     * Starts {@code bin/netsvc ARGS} under a lower open-files limit, as a user's shell would:
     * {@code sh -c 'ulimit -n LIMIT; exec bin/netsvc ARGS'}.
     */
    static DistProcess startWithOpenFiles(int limit, String... args) {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "ulimit -n " + limit + " && exec \"$0\" \"$@\"",
                launcher().toString()));
        command.addAll(Arrays.asList(args));
        return start(Map.of(), command, home());
    }

    private static DistProcess start(Map<String, String> env, List<String> command, Path home) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
        pb.environment().put("NETSVC_START_CACHE", "off");
        pb.environment().putAll(env);
        try {
            return new DistProcess(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code netsvc run ARGS} and waits for the ready line; fails with the output if it never comes.
     * The admin endpoint listens on any free port (ARGS may say otherwise): tests never assume 9111 is free.
     */
    static DistProcess run(String... args) {
        return runIn(home(), args);
    }

    /** Like {@link #run}, for another distribution (one unpacked from the tarball, say). */
    static DistProcess runIn(Path home, String... args) {
        DistProcess p = launchIn(home, args);
        p.awaitReady(Duration.ofSeconds(30));
        return p;
    }

    /**
     * Starts {@code netsvc run ARGS} without waiting. Unless ARGS set them, the host gets a control socket
     * of its own in a fresh temporary folder and an admin port of 0, so tests never share either.
     */
    static DistProcess launch(String... args) {
        return launchIn(home(), args);
    }

    /** Like {@link #run}, with more environment variables (NETSVC_JAVA_OPTS, say). */
    static DistProcess runWith(Map<String, String> env, String... args) {
        DistProcess p = launchIn(home(), env, args);
        p.awaitReady(Duration.ofSeconds(30));
        return p;
    }

    /** Like {@link #launch}, for another distribution. */
    static DistProcess launchIn(Path home, String... args) {
        return launchIn(home, Map.of(), args);
    }

    /**
     * {@code WRAPPER... bin/netsvc run ARGS}, as {@link #launch} makes it (a control socket and an admin port
     * of its own): netsvc started by another program, {@code systemd-socket-activate} say.
     */
    static DistProcess launchUnder(List<String> wrapper, String... args) {
        List<String> all = new ArrayList<>(wrapper);
        all.add(launcher().toString());
        DistProcess p = launchIn(home(), Map.of(), all, args);
        return p;
    }

    /** Like {@link #launch}, for another distribution and with more environment variables. */
    static DistProcess launchIn(Path home, Map<String, String> env, String... args) {
        return launchIn(home, env, List.of(home.resolve("bin").resolve("netsvc").toString()), args);
    }

    private static DistProcess launchIn(Path home, Map<String, String> env, List<String> command, String... args) {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(Arrays.asList(args));
        String joined = String.join(" ", args);
        Path socket = null;
        if (!joined.contains("admin.socket=")) {
            try {
                socket = Files.createTempDirectory("netsvc-ctl").resolve("netsvc.sock");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            all.addAll(List.of("--set", "admin.socket=" + socket));
        }
        if (!joined.contains("admin.port=")) {
            all.addAll(List.of("--set", "admin.port=0"));
        }
        List<String> full = new ArrayList<>(command);
        full.addAll(all);
        DistProcess p = start(env, full, home);
        p.controlSocket = socket;
        return p;
    }

    /** The control socket {@link #launch} gave this host. */
    Path controlSocket() {
        if (controlSocket == null) {
            throw new IllegalStateException("this host was given its admin.socket by the test");
        }
        return controlSocket;
    }

    /** Runs {@code netsvc COMMAND ARGS --admin-socket SOCKET} against this host, e.g. {@code status}. */
    Result control(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(Arrays.asList(args));
        all.addAll(List.of("--admin-socket", controlSocket().toString()));
        return exec(Duration.ofSeconds(30), all.toArray(String[]::new));
    }

    /** Sends a signal by name ({@code HUP}, {@code USR1}, ...) with kill(1). */
    void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for {@code netsvc ready: N of M services running}; returns N. */
    int awaitReady(Duration timeout) {
        String line = awaitLine(timeout, READY);
        Matcher m = READY.matcher(line);
        m.find();
        return Integer.parseInt(m.group(1));
    }

    /** Waits until a stderr line matches {@code pattern}; fails, showing the output, at the deadline or exit. */
    String awaitLine(Duration timeout, Pattern pattern) {
        return await(stderr, timeout, pattern);
    }

    /** Waits until a stdout line matches {@code pattern}, as {@link #awaitLine} does for stderr. */
    String awaitOut(Duration timeout, Pattern pattern) {
        return await(stdout, timeout, pattern);
    }

    private String await(List<String> lines, Duration timeout, Pattern pattern) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (true) {
            for (int i = seen; i < lines.size(); i++) {
                if (pattern.matcher(lines.get(i)).find()) {
                    return lines.get(i);
                }
            }
            seen = lines.size();
            if (!process.isAlive() && drained()) {
                throw new AssertionError("netsvc exited with " + process.exitValue() + " before printing /" + pattern
                        + "/\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line matching /" + pattern + "/ within " + timeout.toSeconds() + "s\n" + output());
            }
            pauseBriefly();
        }
    }

    /** Waits until {@code count} stderr lines match {@code pattern}; returns the last of them. */
    String awaitLines(Duration timeout, Pattern pattern, int count) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> matching = stderrLines().stream().filter(l -> pattern.matcher(l).find()).toList();
            if (matching.size() >= count) {
                return matching.get(count - 1);
            }
            if (!process.isAlive() && drained()) {
                throw new AssertionError("netsvc exited with " + process.exitValue() + " after " + matching.size()
                        + " of " + count + " lines matching /" + pattern + "/\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(matching.size() + " of " + count + " lines matching /" + pattern + "/ within "
                        + timeout.toSeconds() + "s\n" + output());
            }
            pauseBriefly();
        }
    }

    private boolean drained() {
        try {
            // the pump threads end at EOF; give them a moment after the process ends
            return process.waitFor(0, TimeUnit.MILLISECONDS) && pumpsDone.get() == 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static final Pattern ADMIN = Pattern.compile("admin listening on (http://\\S+/)$");

    /** The admin endpoint's base address from its log line, {@code http://127.0.0.1:PORT/}. */
    java.net.URI adminUri() {
        for (String line : stderr) {
            Matcher m = ADMIN.matcher(line);
            if (m.find()) {
                return java.net.URI.create(m.group(1));
            }
        }
        throw new AssertionError("no 'admin listening on' line\n" + output());
    }

    /** The port {@code serviceId} last reported listening on for {@code transport} ("tcp" or "udp"). */
    int port(String serviceId, String transport) {
        List<String> lines = stderrLines();
        for (String line : lines.reversed()) { // the latest: a service restarted on port 0 listens elsewhere
            Matcher m = LISTENING.matcher(line);
            if (m.find() && m.group(1).equals(serviceId) && m.group(2).equals(transport)) {
                return Integer.parseInt(m.group(4));
            }
        }
        throw new AssertionError("no '" + serviceId + " listening on " + transport + "' line\n" + output());
    }

    /** Sends SIGTERM, waits up to {@code timeout} for the exit and returns the status. */
    int terminate(Duration timeout) {
        // SIGTERM through the handle: Process.destroy() would also close our ends of the pipes and lose
        // whatever netsvc prints while it stops
        process.toHandle().destroy();
        return awaitExit(timeout);
    }

    /** SIGKILL: the host gets no chance to clean up (its control socket stays behind). */
    void killHard() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** Waits for the process to exit on its own and returns the status. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("netsvc still running after " + timeout.toMillis() + " ms\n" + output());
            }
            awaitPumps();
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    List<String> stdoutLines() {
        return List.copyOf(stdout);
    }

    List<String> stderrLines() {
        return List.copyOf(stderr);
    }

    String stdoutText() {
        return String.join("\n", stdout);
    }

    String stderrText() {
        return String.join("\n", stderr);
    }

    /** Both streams, for failure messages. */
    String output() {
        return "--- stdout\n" + stdoutText() + "\n--- stderr\n" + stderrText();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    // ---- one-shot commands ------------------------------------------------------------------------

    /** What a finished command printed and returned. */
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /** Runs {@code bin/netsvc ARGS} to completion (killed after {@code timeout}) with {@code input} as stdin. */
    static Result exec(Duration timeout, byte[] input, String... args) {
        return execIn(home(), timeout, input, args);
    }

    /** Like {@link #exec}, for another distribution. */
    static Result execIn(Path home, Duration timeout, byte[] input, String... args) {
        try (DistProcess p = startIn(home, Map.of(), args)) {
            try (OutputStream in = p.stdin()) {
                in.write(input);
            } catch (IOException e) {
                // the command may exit without reading its input; that is its business
            }
            int code = p.awaitExit(timeout);
            return new Result(code, p.stdoutText(), p.stderrText());
        }
    }

    static Result exec(Duration timeout, String... args) {
        return exec(timeout, new byte[0], args);
    }

    /** Like {@link #exec}, with more environment variables (NETSVC_JAVA_OPTS, say). */
    static Result execWith(Map<String, String> env, Duration timeout, String... args) {
        try (DistProcess p = startIn(home(), env, args)) {
            try {
                p.stdin().close();
            } catch (IOException e) {
                // nothing to say to it
            }
            int code = p.awaitExit(timeout);
            return new Result(code, p.stdoutText(), p.stderrText());
        }
    }

    // ---- plumbing ---------------------------------------------------------------------------------

    private void pump(InputStream stream, List<String> sink, String name) {
        Thread.ofPlatform().daemon(true).name("netsvc-" + name + "-" + process.pid()).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.add(line);
                }
            } catch (IOException ignored) {
                // the process went away
            } finally {
                pumpsDone.incrementAndGet();
            }
        });
    }

    private void awaitPumps() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pumpsDone.get() < 2 && System.nanoTime() < deadline) {
            pauseBriefly();
        }
    }

    private static void pauseBriefly() {
        try {
            Thread.sleep(10); // polling interval of a deadline-bounded wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A copy of the distribution (bin, lib, plugins, conf, www, ...) in {@code home}, without var/ and logs/. */
    static Path copyOfDistribution(Path home) throws IOException {
        try (var all = Files.walk(home())) {
            for (Path from : all.toList()) {
                Path rel = home().relativize(from);
                if (rel.startsWith("var") || rel.startsWith("logs") || rel.startsWith("run")) {
                    continue;
                }
                Path to = home.resolve(rel.toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return home;
    }

    /** A scratch copy of the distribution's plugins folder, for tests that add or break jars. */
    static Path copyOfPlugins(Path into) throws IOException {
        Path dir = Files.createDirectories(into.resolve("plugins"));
        try (var jars = Files.list(home().resolve("plugins"))) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, dir.resolve(jar.getFileName()));
            }
        }
        return dir;
    }
}
