package dev.netsvc.launcher.cli;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.ClientOption;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.NetClient;
import dev.netsvc.core.UsageException;
import dev.netsvc.core.net.SocketErrors;
import dev.netsvc.launcher.control.ExitStatus;
import dev.netsvc.launcher.plugins.PluginCatalog;
import dev.netsvc.launcher.plugins.PluginGeneration;
import dev.netsvc.launcher.text.PlainCause;
import dev.netsvc.launcher.text.Suggest;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code netsvc call NAME ...} and {@code netsvc bench NAME ...}: finds the client among those the
 * plugins provide, parses its declared options plus {@code --timeout} and {@code --help}, and runs it.
 */
final class ClientCommand implements Main.Command {

    static final ConfigKey<Duration> TIMEOUT = ConfigKey.duration("timeout", "5s", Duration.ofMillis(1),
            Duration.ofHours(24), "how long to wait for each answer");
    private static final Option TIMEOUT_OPTION = Option.builder().longOpt("timeout").hasArg().argName("DURATION")
            .desc("how long to wait for each answer, e.g. 500ms, 5s (default 5s)").get();

    private final Main.Launch launch;
    private final NetClient.Command command;

    ClientCommand(Main.Launch launch, NetClient.Command command) {
        this.launch = launch;
        this.command = command;
    }

    @Override
    public int run(List<String> argv) {
        List<String> args = new ArrayList<>(argv);
        String pluginsOption = null;
        // -p DIR may come before the client name; everything after the name belongs to the client
        if (!args.isEmpty() && (args.get(0).equals("-p") || args.get(0).equals("--plugins-dir"))) {
            if (args.size() < 2) {
                throw new UsageException("missing value for option --plugins-dir");
            }
            pluginsOption = args.get(1);
            args = args.subList(2, args.size());
        }
        try (PluginCatalog plugins = Cli.loadPlugins(Cli.pluginsDir(pluginsOption, launch), launch)) {
            Map<String, NetClient> clients = new TreeMap<>();
            for (PluginGeneration plugin : plugins.generations()) {
                for (NetClient client : plugin.clients()) {
                    if (client.command() == command) {
                        clients.putIfAbsent(client.name(), client);
                    }
                }
            }
            if (args.isEmpty() || args.get(0).equals("-h") || args.get(0).equals("--help")) {
                (args.isEmpty() ? launch.err() : launch.out()).print(overview(clients));
                return args.isEmpty() ? ExitStatus.USAGE : ExitStatus.OK;
            }
            String name = args.get(0);
            NetClient client = clients.get(name);
            if (client == null) {
                throw new UsageException("no client '" + name + "'" + Suggest.hint(name, clients.keySet())
                        + " Available: " + (clients.isEmpty() ? "none" : String.join(", ", clients.keySet())));
            }
            return runClient(client, args.subList(1, args.size()));
        }
    }

    private int runClient(NetClient client, List<String> args) {
        String prefix = "netsvc " + command.label() + " " + client.name();
        Options options = new Options().addOption(TIMEOUT_OPTION).addOption(Cli.HELP);
        for (ClientOption o : client.options()) {
            Option.Builder b = Option.builder(o.shortName()).longOpt(o.longName()).desc(o.description());
            if (o.takesValue()) {
                b.hasArg().argName(o.argName());
            }
            options.addOption(b.get());
        }
        CommandLine cl;
        try {
            cl = Cli.parse(options, args);
        } catch (UsageException e) {
            throw new UsageException(client.name() + ": " + e.getMessage() + "\nusage: " + prefix + " " + client.usage());
        }
        if (cl.hasOption(Cli.HELP)) {
            launch.out().print(Cli.help(prefix + " " + client.usage(), client.description(), options));
            return ExitStatus.OK;
        }
        Duration timeout = TIMEOUT.defaultValue();
        if (cl.hasOption(TIMEOUT_OPTION)) {
            try {
                timeout = TIMEOUT.parse(cl.getOptionValue(TIMEOUT_OPTION));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--timeout: " + e.getMessage());
            }
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (ClientOption o : client.options()) {
            if (cl.hasOption(o.longName())) {
                String[] v = cl.getOptionValues(o.longName());
                if (!o.repeatable() && v != null && v.length > 1) {
                    throw new UsageException(client.name() + ": --" + o.longName() + " given more than once");
                }
                values.put(o.longName(), v == null ? List.of() : Arrays.asList(v));
            }
        }
        ClientInvocation invocation = new ClientInvocation(cl.getArgList(), values, timeout,
                launch.in(), launch.out(), launch.err(), Clock.systemDefaultZone(), stderrIsTerminal());
        try {
            return client.run(invocation);
        } catch (UsageException e) {
            throw new UsageException(client.name() + ": " + e.getMessage() + "\nusage: " + prefix + " " + client.usage());
        } catch (ClientException e) {
            launch.err().println(prefix + ": " + e.getMessage());
            return ExitStatus.FAILURE;
        } catch (IOException e) {
            launch.err().println(prefix + ": " + SocketErrors.explain(e, null));
            return ExitStatus.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            launch.err().println(prefix + ": interrupted");
            return ExitStatus.FAILURE;
        } catch (Exception e) {
            launch.err().println(prefix + ": failed: " + PlainCause.of(e));
            return ExitStatus.FAILURE;
        } finally {
            launch.out().flush();
        }
    }

    /**
     * Java cannot ask whether standard error is a terminal; bin/netsvc can ({@code [ -t 2 ]}) and says
     * so in {@value #STDERR_TERMINAL}.
     */
    private boolean stderrIsTerminal() {
        return launch.err() == System.err && Boolean.getBoolean(STDERR_TERMINAL);
    }

    static final String STDERR_TERMINAL = "netsvc.stderr.terminal";

    private String overview(Map<String, NetClient> clients) {
        StringBuilder out = new StringBuilder("usage: netsvc " + command.label() + " [-p DIR] CLIENT [options] ARGS\n\n");
        if (clients.isEmpty()) {
            out.append("no plugin provides a '").append(command.label()).append("' client\n");
            return out.toString();
        }
        out.append("clients:\n");
        int width = clients.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        clients.forEach((name, c) -> out.append("  ").append(name).append(" ".repeat(width - name.length()))
                .append(c.description()).append('\n'));
        out.append("\n'netsvc ").append(command.label()).append(" CLIENT --help' shows a client's options.\n");
        return out.toString();
    }
}
