package dev.netsvc.launcher.cli;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.KeyFamily;
import dev.netsvc.core.NetClient;
import dev.netsvc.core.internal.ServiceKeys;
import dev.netsvc.core.UsageException;
import dev.netsvc.launcher.config.ConfigSources;
import dev.netsvc.launcher.config.Configuration;
import dev.netsvc.launcher.config.Plan;
import dev.netsvc.launcher.config.ServiceInfo;
import dev.netsvc.launcher.config.ServicePlan;
import dev.netsvc.launcher.control.ExitStatus;
import dev.netsvc.launcher.plugins.PluginCatalog;
import dev.netsvc.launcher.plugins.PluginGeneration;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code netsvc list}: every plugin, its services with their ports and keys, and its clients. Ports,
 * enabled state and key values are the effective ones: conf/netsvc.properties (and any --config file)
 * read through the same {@link Configuration} as {@code run}, so a mistyped key there is reported here
 * too, and the listing shows what {@code run} would do.
 */
final class ListCommand implements Main.Command {

    private static final Option CONFIG = Option.builder("c").longOpt("config").hasArg().argName("FILE")
            .desc("also read this properties file, as 'run --config' does; repeatable").get();

    private final Main.Launch launch;

    ListCommand(Main.Launch launch) {
        this.launch = launch;
    }

    @Override
    public int run(List<String> args) {
        Options options = new Options().addOption(Cli.PLUGINS_DIR).addOption(CONFIG).addOption(Cli.HELP);
        CommandLine cl = Cli.parse(options, args);
        if (cl.hasOption(Cli.HELP)) {
            launch.out().print(Cli.help("netsvc list [-p DIR] [-c FILE]...",
                    "Lists the plugins found, the services each provides (port, transports, configuration keys)\n"
                            + "and the clients it adds to 'netsvc call' and 'netsvc bench'. Ports and values are the\n"
                            + "effective ones, after conf/netsvc.properties and any --config file.", options));
            return ExitStatus.OK;
        }
        if (!cl.getArgList().isEmpty()) {
            throw new UsageException("unexpected argument '" + cl.getArgList().get(0) + "'");
        }
        Path dir = Cli.pluginsDir(cl.getOptionValue(Cli.PLUGINS_DIR), launch);
        List<Path> files = cl.getOptionValues(CONFIG) == null ? List.of()
                : java.util.Arrays.stream(cl.getOptionValues(CONFIG)).map(f -> Path.of(f).toAbsolutePath()).toList();
        ConfigSources sources = new ConfigSources(launch.layout(), files, List.of(), null, null, List.of());
        try (PluginCatalog plugins = Cli.loadPlugins(dir, launch)) {
            Configuration config;
            Plan plan;
            ConfigException problem = null;
            try {
                config = sources.read(plugins.services());
                plan = config.plan();
            } catch (ConfigException e) { // still list what is there, with defaults, then say what is wrong
                problem = e;
                config = new Configuration(plugins.services());
                plan = config.plan();
            }
            print(plugins, dir, config, plan, launch.out());
            if (problem != null) {
                launch.err().println("netsvc: " + problem.getMessage());
                launch.err().println("netsvc: the listing shows the defaults; 'netsvc run' refuses this configuration");
                return ExitStatus.USAGE;
            }
        }
        return ExitStatus.OK;
    }

    private static void print(PluginCatalog plugins, Path dir, Configuration config, Plan plan, PrintStream out) {
        Map<String, ServicePlan> plans = new HashMap<>();
        plan.services().forEach(p -> plans.put(p.service().id(), p));
        out.println("plugins in " + dir + ":");
        if (plugins.generations().isEmpty()) {
            out.println("  (none)");
        }
        for (PluginGeneration plugin : plugins.generations()) {
            out.println();
            out.printf("%s %s  (%s)%n", plugin.pluginId(), plugin.version(), plugin.jarName());
            List<ServiceInfo> services = new ArrayList<>(plugin.services());
            for (ServicePlan p : plan.services()) { // instances of its services (<id>.instance-of) follow them
                if (p.service().isInstance() && plugin.services().stream().anyMatch(s -> s.service() == p.service().service())) {
                    services.add(p.service());
                }
            }
            for (ServiceInfo service : services) {
                if (service.isTemplate()) {
                    printTemplate(service, out);
                    continue;
                }
                ServicePlan p = plans.get(service.id());
                int port = p == null ? service.defaultPort() : p.port();
                String state = p == null || p.enabled() ? "" : "  (disabled"
                        + config.configured(service.id() + ".enabled").map(v -> " in " + v.source()).orElse("") + ")";
                out.printf("  service %-14s %-8s port %-5d  %s%s%n", service.id(), service.transportLabel(), port,
                        service.description(), state);
                List<String[]> rows = new ArrayList<>();
                for (ConfigKey<?> key : ServiceKeys.hostKeys(service.id(), service.defaultPort())) {
                    String def = key.name().equals("bind") ? "(netsvc.bind)" : key.defaultText();
                    rows.add(row(config, service.id() + "." + key.name(), def, key.description()));
                }
                for (ConfigKey<?> key : service.keys()) {
                    rows.add(row(config, service.id() + "." + key.name(), key.defaultText(), key.description()));
                }
                for (KeyFamily family : service.families()) {
                    rows.add(new String[] {service.id() + "." + family.placeholder(), "", family.description()});
                    if (p != null) {
                        p.settings().family(family).forEach((member, value) -> rows.add(row(config,
                                service.id() + "." + family.prefix() + member, "", family.description())));
                    }
                }
                table(out, rows);
            }
            for (NetClient client : plugin.clients()) {
                out.printf("  client  netsvc %s %s %s%n", client.command().label(), client.name(), client.usage());
            }
        }
    }

    /**
     * A template ({@code NetService.isTemplate()}) runs only as its instances: its keys are shown as an
     * instance {@code <id>} has them, beginning with the key that makes one.
     */
    private static void printTemplate(ServiceInfo template, PrintStream out) {
        out.printf("  template %-13s %-8s %s; it runs as its instances: <id>.instance-of=%s%n", template.id(),
                template.transportLabel(), template.description(), template.id());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"<id>.instance-of", template.id(), "makes <id> an instance of " + template.id()});
        for (ConfigKey<?> key : ServiceKeys.hostKeys("<id>", 0)) {
            String def = switch (key.name()) {
                case "bind" -> "(netsvc.bind)";
                case "port" -> "";
                default -> key.defaultText();
            };
            String description = key.name().equals("port") ? "port to listen on (required; 0: any free port)" : key.description();
            rows.add(new String[] {"<id>." + key.name(), def, description});
        }
        template.keys().forEach(key -> rows.add(new String[] {"<id>." + key.name(), key.defaultText(), key.description()}));
        template.families().forEach(f -> rows.add(new String[] {"<id>." + f.placeholder(), "", f.description()}));
        table(out, rows);
    }

    /** key, value, comment: the configured value and where it is set, else the default. */
    private static String[] row(Configuration config, String key, String def, String description) {
        return config.configured(key)
                .map(v -> new String[] {key, v.text(), description + " (set in " + v.source() + ", default " + def + ")"})
                .orElse(new String[] {key, def, description});
    }

    private static void table(PrintStream out, List<String[]> rows) {
        int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        int w1 = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
        for (String[] r : rows) {
            out.printf("      %-" + w0 + "s = %-" + w1 + "s  # %s%n", r[0], r[1], r[2]);
        }
    }
}
