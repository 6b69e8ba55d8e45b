package dev.netsvc.launcher;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.NetClient;
import dev.netsvc.core.Netsvc;
import dev.netsvc.core.UsageException;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code netsvc list}: every plugin, its services with their ports and keys, and its clients. */
final class ListCommand implements Main.Command {

    private final Main.Launch launch;

    ListCommand(Main.Launch launch) {
        this.launch = launch;
    }

    @Override
    public int run(List<String> args) {
        Options options = new Options().addOption(Cli.PLUGINS_DIR).addOption(Cli.HELP);
        CommandLine cl = Cli.parse(options, args);
        if (cl.hasOption(Cli.HELP)) {
            launch.out().print(Cli.help("netsvc list [-p DIR]",
                    "Lists the plugins found, the services each provides (port, transports, configuration keys)\n"
                            + "and the clients it adds to 'netsvc call' and 'netsvc bench'.", options));
            return Main.OK;
        }
        if (!cl.getArgList().isEmpty()) {
            throw new UsageException("unexpected argument '" + cl.getArgList().get(0) + "'");
        }
        Path dir = Cli.pluginsDir(cl.getOptionValue(Cli.PLUGINS_DIR), launch);
        try (PluginHost host = new PluginHost(dir, Netsvc.version())) {
            host.load();
            print(host, dir, launch.out());
            for (Problem problem : host.problems()) {
                launch.err().println("netsvc: " + problem);
            }
        }
        return Main.OK;
    }

    private static void print(PluginHost host, Path dir, PrintStream out) {
        out.println("plugins in " + dir + ":");
        if (host.plugins().isEmpty()) {
            out.println("  (none)");
        }
        for (PluginHost.LoadedPlugin plugin : host.plugins()) {
            out.println();
            out.printf("%s %s  (%s)%n", plugin.id(), plugin.version(), dir.relativize(plugin.jar().toAbsolutePath()));
            for (ServiceInfo service : plugin.services()) {
                out.printf("  service %-14s %-8s port %-5d  %s%n", service.id(), service.transportLabel(),
                        service.defaultPort(), service.description());
                List<String[]> rows = new ArrayList<>();
                for (ConfigKey<?> key : Configuration.CommonKeys.of(service).all()) {
                    String def = key.name().equals("bind") ? "(netsvc.bind)" : key.defaultText();
                    rows.add(new String[] {service.id() + "." + key.name(), def, key.description()});
                }
                for (ConfigKey<?> key : service.keys()) {
                    rows.add(new String[] {service.id() + "." + key.name(), key.defaultText(), key.description()});
                }
                table(out, rows);
            }
            for (NetClient client : plugin.clients()) {
                out.printf("  client  netsvc %s %s %s%n", client.command().label(), client.name(), client.usage());
            }
        }
    }

    private static void table(PrintStream out, List<String[]> rows) {
        int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        int w1 = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
        for (String[] r : rows) {
            out.printf("      %-" + w0 + "s = %-" + w1 + "s  # %s%n", r[0], r[1], r[2]);
        }
    }
}
