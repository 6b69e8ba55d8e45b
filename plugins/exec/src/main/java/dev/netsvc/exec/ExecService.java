package dev.netsvc.exec;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.Counters;
import dev.netsvc.core.KeyFamily;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Settings;
import dev.netsvc.core.Transport;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.net.GracefulStop;
import dev.netsvc.core.net.TcpKeys;
import dev.netsvc.core.process.ProcessGroup;
import dev.netsvc.core.udp.UdpLimits;
import dev.netsvc.core.udp.UdpServer;

import org.pf4j.Extension;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * inetd's own job: a program per TCP connection (xinetd's {@code nowait}, tcpserver's way) or per UDP
 * datagram, with the client on its standard input and output. The service is a template: each program
 * is an instance of it ({@code finger.instance-of=exec}, {@code finger.command=/usr/sbin/in.fingerd},
 * {@code finger.port=79}), with the access rules, limits and metrics of every other service.
 */
@Extension
public final class ExecService implements NetService {

    static final ConfigKey<String> COMMAND = new ConfigKey<>("command", "",
            "absolute path of the program to run for each client (required)", ExecService::absolute).runsFile();
    static final ConfigKey<List<String>> ARGS = new ConfigKey<>("args", "",
            "its arguments: words split at blanks, '...' and \"...\" quote (no shell runs)", Args::split);
    static final ConfigKey<String> TRANSPORT = ConfigKey.choice("transport", "tcp", List.of("tcp", "udp"),
            "tcp: a program per connection; udp: a program per datagram, its output the reply");
    static final ConfigKey<String> USER = ConfigKey.string("user", "",
            "run the program as this user (through setpriv; the host must be root or hold CAP_SETUID and CAP_SETGID); empty: as netsvc");
    static final ConfigKey<String> GROUP = ConfigKey.string("group", "",
            "run the program with this group; empty: the user's primary group");
    static final ConfigKey<Path> WORKING_DIR = ConfigKey.path("working-dir", "/",
            "folder the program starts in").readsDirectory();
    static final KeyFamily ENV = new KeyFamily("env", "[A-Za-z_][A-Za-z0-9_]*", "NAME",
            "environment variable NAME of the program (besides PATH and the client's PROTO, TCPREMOTEIP, ...)");
    static final ConfigKey<Integer> MAX_CONNECTIONS = TcpKeys.maxConnections(40);
    static final ConfigKey<Duration> IDLE_TIMEOUT = TcpKeys.idleTimeout("5m");
    static final ConfigKey<Duration> TIMEOUT = ConfigKey.duration("timeout", "0", Duration.ZERO, Duration.ofDays(7),
            "end a program this long after it started (SIGTERM, then SIGKILL); 0: no limit");
    static final ConfigKey<Integer> STDERR_RATE = ConfigKey.integer("stderr-rate", 10, 0, 100_000,
            "lines of the programs' standard error logged per second, for all of them together; more are counted");
    static final ConfigKey<Integer> UDP_REPLY_SIZE = ConfigKey.size("udp-reply-size", "8k", 1, 65_507,
            "udp: the most output sent back as the reply; a program that writes more is ended and sends none");

    @Override
    public String id() {
        return "exec";
    }

    @Override
    public String description() {
        return "a program per TCP connection or UDP datagram, as inetd runs it";
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.TCP, Transport.UDP);
    }

    @Override
    public Set<Transport> transports(Settings settings) {
        return Set.of(settings.get(TRANSPORT).equals("udp") ? Transport.UDP : Transport.TCP);
    }

    /** Not used: a template's instances each set a port of their own. */
    @Override
    public int defaultPort() {
        return 0;
    }

    @Override
    public boolean isTemplate() {
        return true;
    }

    @Override
    public List<ConfigKey<?>> configKeys() {
        List<ConfigKey<?>> keys = new ArrayList<>(List.of(COMMAND, ARGS, TRANSPORT, USER, GROUP, WORKING_DIR, MAX_CONNECTIONS,
                IDLE_TIMEOUT, TIMEOUT, STDERR_RATE, UDP_REPLY_SIZE));
        keys.addAll(UdpLimits.KEYS);
        return keys;
    }

    @Override
    public List<KeyFamily> keyFamilies() {
        return List.of(ENV);
    }

    /** The command is set; no env key is systemd's; a user or group exists, and this host may switch to it. */
    @Override
    public void validate(Settings settings) {
        String id = settings.serviceId();
        if (settings.get(COMMAND).isEmpty()) {
            throw new ConfigException(id + ".command", id + ".command is required: the absolute path of the program to run");
        }
        for (String name : settings.family(ENV).keySet()) {
            if (ProgramStarter.SYSTEMD_VARIABLES.contains(name)) {
                throw new ConfigException(id + ".env." + name, "invalid key " + id + ".env." + name + ": " + name
                        + " is systemd's word to netsvc, and a program never gets it (it could speak to systemd in"
                        + " netsvc's name)");
            }
        }
        String user = settings.get(USER).strip();
        String group = settings.get(GROUP).strip();
        if (!user.isEmpty() && !HostRights.userExists(user)) {
            throw new ConfigException(id + ".user", "invalid value for " + id + ".user: there is no user '" + user + "'");
        }
        if (!group.isEmpty() && !HostRights.groupExists(group)) {
            throw new ConfigException(id + ".group", "invalid value for " + id + ".group: there is no group '" + group + "'");
        }
        ExecSettings exec = ExecSettings.from(settings);
        if (!exec.switchesUser()) {
            return;
        }
        String key = id + (user.isEmpty() ? ".group=" + group : ".user=" + user);
        if (!HostRights.maySwitchUsers()) {
            throw new ConfigException(key.substring(0, key.indexOf('=')), key + ": netsvc runs as user '"
                    + HostRights.currentUser() + "' without CAP_SETUID and CAP_SETGID, so it cannot start a program as"
                    + " another user or group; run netsvc as root or grant it both capabilities (docs/operators/exec.md),"
                    + " or remove the key");
        }
        if (HostRights.tool("setpriv").isEmpty()) {
            throw new ConfigException(key.substring(0, key.indexOf('=')), key
                    + ": setpriv (util-linux) is not installed, and it is what switches a program's user and group");
        }
    }

    @Override
    public RunningService start(ServiceContext context) throws IOException {
        ExecSettings settings = ExecSettings.from(context.settings());
        if (!ProcessGroup.reachesWholeGroup()) {
            context.log().warn("{}: {}", context.serviceId(), ProcessGroup.whyNot());
        }
        ProgramStarter starter = ProgramStarter.of(settings, settings.programLimit(), context.log());
        Programs programs = new Programs(context, shortest(settings));
        StderrLog stderr = new StderrLog(context.log(), context.clock(), settings.stderrRate(),
                context.counters().counter(Counters.EXEC_STDERR_LOGGED), context.counters().counter(Counters.EXEC_STDERR_DROPPED));
        StartFailures failures = new StartFailures(context.log(), context.clock(), settings.command().toString(),
                context.counters().counter(Counters.EXEC_PROGRAMS_NOT_STARTED));
        try {
            return settings.udp() ? startUdp(context, settings, starter, programs, stderr, failures)
                    : startTcp(context, settings, starter, programs, stderr, failures);
        } catch (IOException | RuntimeException e) {
            programs.close(System.nanoTime());
            throw e;
        }
    }

    private static RunningService startTcp(ServiceContext context, ExecSettings settings, ProgramStarter starter,
                                           Programs programs, StderrLog stderr, StartFailures failures) throws IOException {
        ProgramPerConnection handler = new ProgramPerConnection(context.serviceId(), starter, programs, stderr, failures,
                context.counters().counter(Counters.TCP_BYTES_RECEIVED), context.counters().counter(Counters.TCP_BYTES_SENT));
        BlockingTcpServer server = BlockingTcpServer.start(context,
                new BlockingTcpServer.Limits(settings.maxPrograms(), settings.idleTimeout()), handler);
        return RunningService.of(List.of(server.endpoint()), grace -> {
            long deadline = System.nanoTime() + grace.toNanos();
            // the server ends every connection's input at once (most programs then end) and closes what is
            // left at the deadline; meanwhile the programs still running are ended by then
            Thread ender = Thread.ofVirtual().name(context.serviceId() + "-stop").start(() -> programs.stop(deadline));
            server.stop(grace);
            join(ender);
            programs.close(System.nanoTime() + GracefulStop.AFTER_CLOSE.toNanos());
        });
    }

    private static RunningService startUdp(ServiceContext context, ExecSettings settings, ProgramStarter starter,
                                           Programs programs, StderrLog stderr, StartFailures failures) throws IOException {
        ProgramPerDatagram handler = new ProgramPerDatagram(settings, starter, programs, stderr, failures, context.counters());
        UdpServer server = UdpServer.start(context, 0, handler); // the handler never replies at once: maxReply 0
        handler.bound(server.endpoint().address(), server::send);
        return RunningService.of(List.of(server.endpoint()), grace -> {
            long deadline = System.nanoTime() + grace.toNanos();
            server.stop(grace);
            programs.stop(Math.max(deadline, System.nanoTime()));
            handler.awaitWorkers(System.nanoTime() + GracefulStop.AFTER_CLOSE.toNanos());
            programs.close(System.nanoTime() + GracefulStop.AFTER_CLOSE.toNanos());
        });
    }

    // The sweep's tick follows the shortest time it watches
    private static Duration shortest(ExecSettings settings) {
        Duration limit = settings.programLimit();
        return limit.isZero() || limit.compareTo(settings.idleTimeout()) > 0 ? settings.idleTimeout() : limit;
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String absolute(String text) {
        boolean absolute;
        try {
            absolute = text.isEmpty() || Path.of(text).isAbsolute();
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid path: " + e.getReason());
        }
        if (!absolute) {
            throw new IllegalArgumentException("'" + text + "' is not an absolute path; the program is named by its full path,"
                    + " e.g. /usr/bin/cat");
        }
        return text;
    }
}
