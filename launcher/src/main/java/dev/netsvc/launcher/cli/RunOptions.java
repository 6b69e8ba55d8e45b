package dev.netsvc.launcher.cli;

import dev.netsvc.launcher.config.ConfigSources;
import dev.netsvc.launcher.config.Layout;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The options of {@code netsvc run} (and {@code check}): the plugins folder and the configuration's layers. */
final class RunOptions {

    static final Option CONFIG = Option.builder("c").longOpt("config").hasArg().argName("FILE")
            .desc("properties file merged over conf/netsvc.properties; repeatable, later files win").get();
    static final Option SET = Option.builder("s").longOpt("set").hasArg().argName("KEY=VALUE")
            .desc("set one key; repeatable; highest precedence").get();
    static final Option ENABLE = Option.builder("e").longOpt("enable").hasArg().argName("ID[,ID...]")
            .desc("run only these services").get();
    static final Option DISABLE = Option.builder("d").longOpt("disable").hasArg().argName("ID[,ID...]")
            .desc("run all but these services").get();
    static final Option BIND = Option.builder("b").longOpt("bind").hasArg().argName("ADDR")
            .desc("default bind address of every service (default 127.0.0.1)").get();

    private RunOptions() {
    }

    static Options options() {
        return new Options().addOption(Cli.PLUGINS_DIR).addOption(CONFIG).addOption(SET).addOption(ENABLE)
                .addOption(DISABLE).addOption(BIND).addOption(Cli.HELP);
    }

    /** The plugins folder: -p, else the installation's. */
    static Path pluginsDir(CommandLine cl, Main.Launch launch) {
        return Cli.pluginsDir(cl.getOptionValue(Cli.PLUGINS_DIR), launch);
    }

    /** The configuration's layers as the command line gives them. */
    static ConfigSources sources(CommandLine cl, Main.Launch launch) {
        Layout layout = launch.layout();
        List<Path> configs = values(cl, CONFIG).stream().map(f -> Path.of(f).toAbsolutePath()).toList();
        return new ConfigSources(layout, configs, values(cl, SET), cl.getOptionValue(BIND),
                cl.hasOption(ENABLE) ? ids(cl, ENABLE) : null, ids(cl, DISABLE));
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
