package dev.netsvc.launcher.cli;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.Netsvc;
import dev.netsvc.core.UsageException;
import dev.netsvc.launcher.config.Layout;
import dev.netsvc.launcher.control.ExitStatus;
import dev.netsvc.launcher.text.PlainCause;
import dev.netsvc.launcher.text.Suggest;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code netsvc} command. Exit status: 0 success, 1 runtime failure, 2 usage or configuration error.
 */
public final class Main {

    private final Launch launch;

    /** Where netsvc is installed and the streams it talks through; tests make their own. */
    record Launch(Layout layout, InputStream in, PrintStream out, PrintStream err) {
        /** Everything under {@code home}, as an unpacked distribution. */
        Launch(Path home, InputStream in, PrintStream out, PrintStream err) {
            this(Layout.of(home), in, out, err);
        }

        Path home() {
            return layout.home();
        }

        Path defaultPluginsDir() {
            return layout.pluginsDir();
        }
    }

    Main(Launch launch) {
        this.launch = launch;
    }

    public static void main(String[] args) {
        StartupTrace.mainStarted();
        System.exit(new Main(new Launch(Layout.fromSystemProperties(home()), System.in, System.out, System.err)).run(args));
    }

    /** The installation directory: {@code -Dnetsvc.home}, set by bin/netsvc, else the working directory. */
    static Path home() {
        String home = System.getProperty("netsvc.home");
        return (home == null || home.isBlank() ? Path.of("") : Path.of(home)).toAbsolutePath().normalize();
    }

    private Map<String, Function<Launch, Command>> commands() {
        return Map.ofEntries(
                Map.entry("run", RunCommand::new),
                Map.entry("check", CheckCommand::new),
                Map.entry("status", l -> new ControlCommand(l, "status")),
                Map.entry("start", l -> new ControlCommand(l, "start")),
                Map.entry("stop", l -> new ControlCommand(l, "stop")),
                Map.entry("restart", l -> new ControlCommand(l, "restart")),
                Map.entry("reload", l -> new ControlCommand(l, "reload")),
                Map.entry("list", ListCommand::new),
                Map.entry("call", l -> new ClientCommand(l, dev.netsvc.core.NetClient.Command.CALL)),
                Map.entry("bench", l -> new ClientCommand(l, dev.netsvc.core.NetClient.Command.BENCH)),
                Map.entry("resolve", ResolveCommand::new),
                Map.entry("import-xinetd", ImportXinetdCommand::new));
    }

    int run(String[] argv) {
        List<String> args = Arrays.asList(argv);
        if (args.isEmpty()) {
            launch.err().print(usage());
            return ExitStatus.USAGE;
        }
        String first = args.get(0);
        switch (first) {
            case "-h", "--help", "help" -> {
                // 'netsvc help run' is 'netsvc run --help', as in git and go
                if (args.size() > 1 && commands().containsKey(args.get(1))) {
                    return run(new String[] {args.get(1), "--help"});
                }
                if (args.size() > 1) {
                    launch.err().println("netsvc: no command '" + args.get(1) + "'" + Suggest.hint(args.get(1), commands().keySet())
                            + " Run 'netsvc --help' for the list.");
                    return ExitStatus.USAGE;
                }
                launch.out().print(usage());
                return ExitStatus.OK;
            }
            case "-V", "--version", "version" -> {
                launch.out().println("netsvc " + Netsvc.version() + " (Java " + Runtime.version() + ", "
                        + System.getProperty("java.vm.name") + ")");
                return ExitStatus.OK;
            }
            default -> { }
        }
        Function<Launch, Command> factory = commands().get(first);
        if (factory == null) {
            launch.err().println("netsvc: unknown command '" + first + "'" + Suggest.hint(first, commands().keySet())
                    + " Run 'netsvc --help' for the list.");
            return ExitStatus.USAGE;
        }
        Command command = factory.apply(launch);
        List<String> rest = args.subList(1, args.size());
        try {
            return command.run(rest);
        } catch (UsageException e) {
            launch.err().println("netsvc " + first + ": " + e.getMessage());
            launch.err().println("Run 'netsvc " + first + " --help' for usage.");
            return ExitStatus.USAGE;
        } catch (ConfigException e) {
            launch.err().println("netsvc: " + e.getMessage());
            return ExitStatus.USAGE;
        } catch (RuntimeException e) { // a bug, not a user error: say so loudly, with the trace
            launch.err().println("netsvc: unexpected failure: " + PlainCause.of(e));
            e.printStackTrace(launch.err());
            return ExitStatus.FAILURE;
        }
    }

    static String usage() {
        return """
                usage: netsvc COMMAND [options]

                A pluggable network-service host: inetd's internal services, supervised.

                commands:
                  run                 start every enabled service; runs until SIGINT or SIGTERM
                  check               validate the configuration and print every key, its value and source
                  status [--json]     the services of the running host
                  start|stop|restart ID...   act on services of the running host
                  reload              re-read the configuration of the running host (as SIGHUP)
                  list                plugins found and the services and clients each provides
                  call CLIENT ...     talk to a service: qotd, daytime, time, echo, http, ...
                  bench CLIENT ...    load-test a service: echo, ...
                  resolve HOST        a host name's IPv4 and IPv6 addresses
                  import-xinetd FILE|DIR   print the netsvc configuration of xinetd's service files

                  netsvc COMMAND --help    options of a command (also: netsvc help COMMAND)
                  netsvc --version         version of netsvc and of Java

                exit status: 0 success, 1 runtime failure, 2 usage or configuration error
                """;
    }

    /** One subcommand. */
    interface Command {
        /** Runs with the arguments after the command word; returns the exit status. */
        int run(List<String> args) throws UsageException, ConfigException;
    }
}
