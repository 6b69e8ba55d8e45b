package dev.netsvc.packaging;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code netsvc run} as a child process, however it is started (runuser, a chroot), read by its log. */
final class RunningHost implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile(" (\\S+) listening on (tcp|udp) (\\S+):(\\d+)$");
    private static final Pattern READY = Pattern.compile("netsvc ready: (\\d+) of (\\d+) services? running");

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();

    private RunningHost(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout);
        pump(process.getErrorStream(), stderr);
    }

    /** Starts {@code command} with exactly {@code env} as its environment. */
    static RunningHost start(Map<String, String> env, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            return new RunningHost(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the ready line and returns how many services run. */
    int awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : stderr) {
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("netsvc exited with " + process.exitValue() + " before it was ready\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("netsvc not ready within " + timeout.toSeconds() + " s\n" + output());
            }
            pause();
        }
    }

    /** The port {@code serviceId} listens on for {@code transport}, from its log line. */
    int port(String serviceId, String transport) {
        for (String line : stderr) {
            Matcher m = LISTENING.matcher(line);
            if (m.find() && m.group(1).equals(serviceId) && m.group(2).equals(transport)) {
                return Integer.parseInt(m.group(4));
            }
        }
        throw new AssertionError("no '" + serviceId + " listening on " + transport + "' line\n" + output());
    }

    /** Sends SIGTERM to the process started (which passes it on) and waits for its exit status. */
    int terminate(Duration timeout) {
        process.toHandle().destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("still running " + timeout.toSeconds() + " s after SIGTERM\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    /**
     * Sends SIGTERM to the descendant whose command ends in {@code command} (in a chroot the kernel may
     * show a longer path), then waits for this process's exit status.
     */
    int terminateDescendant(String command, Duration timeout) {
        ProcessHandle target = process.toHandle().descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith(command)).orElse(false)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + command + " among the descendants\n" + output()));
        target.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("still running " + timeout.toSeconds() + " s after SIGTERM to " + command + "\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** The stderr line matching {@code pattern}, waiting for it up to {@code timeout}. */
    String awaitLine(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : stderr) {
                if (pattern.matcher(line).find()) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line matching /" + pattern + "/ within " + timeout.toSeconds() + " s\n" + output());
            }
            pause();
        }
    }

    String output() {
        return "--- stdout\n" + String.join("\n", stdout) + "\n--- stderr\n" + String.join("\n", stderr);
    }

    String stdoutText() {
        return String.join("\n", stdout);
    }

    String stderrText() {
        return String.join("\n", stderr);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static void pump(InputStream stream, List<String> sink) {
        Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.add(line);
                }
            } catch (IOException ignored) {
                // the process went away
            }
        });
    }

    private static void pause() {
        try {
            Thread.sleep(20); // polling interval of a deadline-bounded wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
