package dev.netsvc.launcher.cli;

import dev.netsvc.core.UsageException;
import dev.netsvc.launcher.config.Configuration;
import dev.netsvc.launcher.config.Effective;
import dev.netsvc.launcher.config.Plan;
import dev.netsvc.launcher.control.ExitStatus;
import dev.netsvc.launcher.plugins.PluginCatalog;
import dev.netsvc.launcher.text.Problem;

import org.apache.commons.cli.CommandLine;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code netsvc check [run options]}: loads the plugins and validates the configuration exactly as
 * {@code run} and {@code reload} would (keys, values, the files and folders they name, two services on one
 * address); prints every key with its effective value and where it came from; then binds each enabled
 * service's address for a moment, except those a host running beside it already holds. Exit 0, 2 for a
 * configuration error, 1 for an address that cannot be bound; like {@code nginx -t}.
 */
final class CheckCommand implements Main.Command {

    private final Main.Launch launch;

    CheckCommand(Main.Launch launch) {
        this.launch = launch;
    }

    @Override
    public int run(List<String> args) {
        CommandLine cl = Cli.parse(RunOptions.options(), args);
        if (cl.hasOption(Cli.HELP)) {
            launch.out().print(Cli.help("netsvc check [run options]",
                    "Loads the plugins and validates the configuration as 'netsvc run' would, binding nothing;\n"
                            + "prints every key, its effective value and its source. Exit 0 when valid, 2 when not.",
                    RunOptions.options()));
            return ExitStatus.OK;
        }
        if (!cl.getArgList().isEmpty()) {
            throw new UsageException("unexpected argument '" + cl.getArgList().get(0) + "'");
        }
        try (PluginCatalog plugins = Cli.loadPlugins(RunOptions.pluginsDir(cl, launch), launch)) {
            Configuration config = RunOptions.sources(cl, launch).read(plugins.services());
            Plan plan = config.plan(); // a ConfigException exits 2 through Main
            plan.warnings().forEach(w -> launch.err().println("netsvc: warning: " + w));
            print(config.effective(), launch.out());
            List<Problem> taken = AddressCheck.unavailable(plan, launch.layout().controlSocket(plan.host().adminSocket()));
            if (!taken.isEmpty()) {
                taken.forEach(p -> launch.err().println("netsvc check: " + p));
                launch.err().println("netsvc check: the configuration is valid, but these addresses cannot be bound now");
                return ExitStatus.FAILURE;
            }
            launch.out().printf("%nconfiguration ok: %d of %d services enabled, %d plugins%n",
                    plan.enabled().size(), plan.services().size(), plugins.generations().size());
        }
        return ExitStatus.OK;
    }

    private static void print(List<Effective> keys, PrintStream out) {
        int keyWidth = keys.stream().mapToInt(k -> k.key().length()).max().orElse(0);
        int valueWidth = keys.stream().mapToInt(k -> k.value().length()).max().orElse(0);
        for (Effective k : keys) {
            out.printf("%-" + keyWidth + "s = %-" + valueWidth + "s  # %s%n", k.key(), k.value(), k.source());
        }
    }
}
