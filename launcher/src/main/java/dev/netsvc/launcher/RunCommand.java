package dev.netsvc.launcher;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.Netsvc;
import dev.netsvc.core.UsageException;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** {@code netsvc run}: load plugins, validate configuration, start the services, wait for a signal. */
final class RunCommand implements Main.Command {

    private static final Logger log = LoggerFactory.getLogger("netsvc");

    private static final Option CONFIG = Option.builder("c").longOpt("config").hasArg().argName("FILE")
            .desc("properties file merged over conf/netsvc.properties").get();
    private static final Option SET = Option.builder("s").longOpt("set").hasArg().argName("KEY=VALUE")
            .desc("set one key; repeatable; highest precedence").get();
    private static final Option ENABLE = Option.builder("e").longOpt("enable").hasArg().argName("ID[,ID...]")
            .desc("run only these services").get();
    private static final Option DISABLE = Option.builder("d").longOpt("disable").hasArg().argName("ID[,ID...]")
            .desc("run all but these services").get();
    private static final Option BIND = Option.builder("b").longOpt("bind").hasArg().argName("ADDR")
            .desc("default bind address of every service (default 127.0.0.1)").get();

    private final Main.Launch launch;

    RunCommand(Main.Launch launch) {
        this.launch = launch;
    }

    private static Options options() {
        return new Options().addOption(Cli.PLUGINS_DIR).addOption(CONFIG).addOption(SET).addOption(ENABLE)
                .addOption(DISABLE).addOption(BIND).addOption(Cli.HELP);
    }

    @Override
    public int run(List<String> args) {
        CommandLine cl = Cli.parse(options(), args);
        if (cl.hasOption(Cli.HELP)) {
            launch.out().print(Cli.help("netsvc run [options]",
                    "Starts every enabled service under the supervisor and runs until SIGINT or SIGTERM.\n"
                            + "Configuration: service defaults < conf/netsvc.properties < --config < --set.",
                    options()));
            return Main.OK;
        }
        if (!cl.getArgList().isEmpty()) {
            throw new UsageException("unexpected argument '" + cl.getArgList().get(0) + "'");
        }
        Path pluginsDir = Cli.pluginsDir(cl.getOptionValue(Cli.PLUGINS_DIR), launch);
        try (PluginHost host = new PluginHost(pluginsDir, Netsvc.version())) {
            host.load();
            Map<String, ServiceInfo> services = host.services();
            host.problems().forEach(p -> log.warn("{}", p));
            if (services.isEmpty()) {
                log.error("no services: no plugin in {} provides one", pluginsDir);
                return Main.FAILURE;
            }
            Configuration.Plan plan = configuration(cl, services).plan();
            if (plan.enabled().isEmpty()) {
                throw new ConfigException("enabled", "nothing to run: every service is disabled");
            }
            ShutdownSignal signal = ShutdownSignal.install();
            Supervisor supervisor = new Supervisor(launch.home());
            int running = supervisor.start(plan);
            if (supervisor.configError().isPresent()) {
                supervisor.stopAll(plan.shutdownGrace());
                throw supervisor.configError().get();
            }
            if (running == 0) {
                log.error("netsvc: no service could start");
                return Main.FAILURE;
            }
            log.info("netsvc ready: {} services", running);
            String name = await(signal);
            log.info("netsvc stopping on {}", name);
            supervisor.stopAll(plan.shutdownGrace());
        }
        log.info("netsvc stopped");
        return Main.OK;
    }

    private static String await(ShutdownSignal signal) {
        try {
            return signal.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupt";
        }
    }

    private Configuration configuration(CommandLine cl, Map<String, ServiceInfo> services) {
        Configuration config = new Configuration(services);
        Path defaults = launch.home().resolve("conf").resolve("netsvc.properties");
        if (Files.isRegularFile(defaults)) {
            config.addFile(defaults);
        }
        if (cl.hasOption(CONFIG)) {
            Path file = Path.of(cl.getOptionValue(CONFIG));
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("--config", "--config: file " + file + " does not exist");
            }
            config.addFile(file);
        }
        for (String assignment : values(cl, SET)) {
            config.addSetting(assignment);
        }
        if (cl.hasOption(BIND)) {
            config.defaultBind(cl.getOptionValue(BIND));
        }
        if (cl.hasOption(ENABLE)) {
            config.enableOnly(ids(cl, ENABLE));
        }
        if (cl.hasOption(DISABLE)) {
            config.disable(ids(cl, DISABLE));
        }
        return config;
    }

    private static List<String> values(CommandLine cl, Option option) {
        String[] values = cl.getOptionValues(option);
        return values == null ? List.of() : Arrays.asList(values);
    }

    private static List<String> ids(CommandLine cl, Option option) {
        List<String> ids = new ArrayList<>();
        for (String value : values(cl, option)) {
            for (String id : value.split(",")) {
                if (!id.isBlank()) {
                    ids.add(id.strip());
                }
            }
        }
        return ids;
    }
}
