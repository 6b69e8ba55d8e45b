package dev.netsvc.exec;

import dev.netsvc.core.net.DeadlineSweep;
import dev.netsvc.core.process.Spawner;

import org.slf4j.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * How one exec service starts its programs: the command line ({@code setpriv} first when it runs as another
 * user, then the program and its arguments), the working folder and the environment. Each program leads a
 * session and process group of its own, so everything it starts can be ended with it.
 *
 * <p>Two ways to start one. Through core's {@link Spawner} ({@code posix_spawn}): one execution, the program
 * itself. Where that is not available (see {@link Spawner#whyNot()}; or {@code -D}{@value #SPAWN_PROPERTY}
 * {@code =false}), through Java's {@link ProcessBuilder} with {@code setsid} (util-linux) in front, since
 * {@code ProcessBuilder} cannot make a group leader: three executions (the JDK's helper, {@code setsid}, the
 * program), which costs a busy host a third of its connections a second. Both tools execute the next in their
 * own place, so the process started is the program itself either way.
 *
 * <p>The environment is not the host's (which may hold secrets): {@code PATH}, then the service's
 * {@code env.<NAME>} keys, then the client's ({@link UcspiEnvironment}). Never systemd's variables
 * ({@link #SYSTEMD_VARIABLES}): netsvc may run under systemd, and a program must not talk to it in netsvc's
 * name.
 */
final class ProgramStarter {

    /** The search path a program gets unless {@code env.PATH} says otherwise (systemd's default). */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * What systemd tells the process it starts (its notification socket, the sockets it passes, the watchdog):
     * meant for netsvc alone. A program that saw them could say READY=1 or STOPPING=1 for netsvc, or take a
     * socket of netsvc's for its own.
     */
    static final Set<String> SYSTEMD_VARIABLES = Set.of("NOTIFY_SOCKET", "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES",
            "WATCHDOG_USEC", "WATCHDOG_PID");

    /** The system property that, set to {@code false}, makes every exec service start programs the JDK's way. */
    static final String SPAWN_PROPERTY = "netsvc.exec.posix-spawn";

    private final List<String> commandLine;
    private final Path directory;
    private final Map<String, String> environment;
    private final Spawner spawner; // null: through ProcessBuilder
    private final boolean leadsGroup;
    private final long timeoutMillis;

    private ProgramStarter(List<String> commandLine, Path directory, Map<String, String> environment, Spawner spawner,
                           boolean leadsGroup, long timeoutMillis) {
        this.commandLine = List.copyOf(commandLine);
        this.directory = directory;
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        this.spawner = spawner;
        this.leadsGroup = leadsGroup;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * The starter of {@code settings}' program; finds the tools, and the user's primary group when only a
     * user is named. Logs once when programs cannot start through {@link Spawner}, and when {@code setsid}
     * is missing as well (then a program's children are ended only through its process tree).
     *
     * @param timeout how long a program may run, zero for no limit
     */
    static ProgramStarter of(ExecSettings settings, Duration timeout, Logger log) throws IOException {
        Spawner spawner = null;
        if ("false".equals(System.getProperty(SPAWN_PROPERTY))) {
            log.info("{}: programs start through the JDK and setsid, three executions each instead of one (-D{}=false)",
                    settings.serviceId(), SPAWN_PROPERTY);
        } else {
            spawner = Spawner.get().orElse(null);
            if (spawner == null) {
                log.warn("{}: programs start through the JDK and setsid, three executions each instead of one, because"
                        + " posix_spawn cannot be used: {}", settings.serviceId(), Spawner.whyNot());
            }
        }
        List<String> line = new ArrayList<>();
        Path setsid = spawner != null ? null : HostRights.tool("setsid").orElse(null);
        if (setsid != null) {
            line.add(setsid.toString());
        } else if (spawner == null) {
            log.warn("setsid (util-linux) is not installed: programs run in netsvc's own process group, and ending one"
                    + " reaches only it and its descendants, not a process that left its tree");
        }
        if (settings.switchesUser()) {
            line.addAll(setpriv(settings));
        }
        line.add(settings.command().toString());
        line.addAll(settings.args());
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PATH", DEFAULT_PATH);
        environment.putAll(settings.environment());
        return new ProgramStarter(line, settings.workingDir(), environment, spawner, spawner != null || setsid != null,
                timeoutMillis(timeout));
    }

    /**
     * {@code setpriv} with the user (and the user's primary group unless a group is named) or the group
     * alone, no supplementary groups (xinetd's default), and no capability left to inherit.
     */
    private static List<String> setpriv(ExecSettings settings) throws IOException {
        Path setpriv = HostRights.tool("setpriv").orElseThrow(() -> new IOException(
                "setpriv (util-linux) is not installed; it runs the programs as another user"));
        List<String> line = new ArrayList<>(List.of(setpriv.toString()));
        boolean otherUser = !settings.user().isEmpty() && !settings.user().equals(HostRights.currentUser());
        if (otherUser) {
            line.add("--reuid=" + settings.user());
        }
        if (!settings.group().isEmpty() || otherUser) {
            // setpriv keeps this process's group unless told: a program run as nobody must not keep root's
            line.add("--regid=" + (settings.group().isEmpty() ? HostRights.primaryGroup(settings.user()) : settings.group()));
        }
        line.add("--clear-groups");
        // a host that switches users through capabilities it was granted (not root) would hand them on: the
        // program would keep CAP_SETUID in its ambient set and could make itself root
        line.addAll(List.of("--inh-caps=-all", "--ambient-caps=-all", "--"));
        return line;
    }

    private static long timeoutMillis(Duration timeout) {
        return timeout.isZero() ? DeadlineSweep.NONE : timeout.toMillis();
    }

    /**
     * Starts the program for one client, whose variables ({@link UcspiEnvironment}) come last.
     *
     * @param closedUnder whether the client's connection was closed under the program
     * @throws IOException when it cannot be started (the system is out of processes or memory, the file went)
     */
    Program start(Map<String, String> client, long now, BooleanSupplier closedUnder) throws IOException {
        Process process = spawner != null ? spawner.start(commandLine, environment(client), directory)
                : startThroughJdk(client);
        long endBy = timeoutMillis == DeadlineSweep.NONE ? DeadlineSweep.NONE : now + timeoutMillis;
        try {
            return new Program(process, leadsGroup, spawner != null, now, endBy, closedUnder);
        } catch (RuntimeException e) { // its pid is ours or 1: setsid failed to make it a leader; never signal that
            process.destroyForcibly();
            throw new IOException("the program did not get a process group of its own: " + e.getMessage(), e);
        }
    }

    /** The program's whole environment: the service's, then the client's, never systemd's. */
    Map<String, String> environment(Map<String, String> client) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putAll(client);
        env.keySet().removeAll(SYSTEMD_VARIABLES); // already refused as env keys: the last word, whatever changes above
        return env;
    }

    private Process startThroughJdk(Map<String, String> client) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(commandLine).directory(directory.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(environment(client));
        return builder.start();
    }

    /** Whether programs start through {@link Spawner} (else through the JDK, with {@code setsid} in front). */
    boolean spawns() {
        return spawner != null;
    }
}
