package dev.netsvc.launcher;

import dev.netsvc.core.ConfigException;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The options of {@code netsvc run} (and {@code check}) that make up the configuration. Kept for the
 * whole run, so a reload re-reads the same files with the same command-line layers on top.
 */
record RunOptions(Path home, Path pluginsDir, Path configFile, List<String> sets, String bind, List<String> enable,
                  List<String> disable) {

    static final Option CONFIG = Option.builder("c").longOpt("config").hasArg().argName("FILE")
            .desc("properties file merged over conf/netsvc.properties").get();
    static final Option SET = Option.builder("s").longOpt("set").hasArg().argName("KEY=VALUE")
            .desc("set one key; repeatable; highest precedence").get();
    static final Option ENABLE = Option.builder("e").longOpt("enable").hasArg().argName("ID[,ID...]")
            .desc("run only these services").get();
    static final Option DISABLE = Option.builder("d").longOpt("disable").hasArg().argName("ID[,ID...]")
            .desc("run all but these services").get();
    static final Option BIND = Option.builder("b").longOpt("bind").hasArg().argName("ADDR")
            .desc("default bind address of every service (default 127.0.0.1)").get();

    static Options options() {
        return new Options().addOption(Cli.PLUGINS_DIR).addOption(CONFIG).addOption(SET).addOption(ENABLE)
                .addOption(DISABLE).addOption(BIND).addOption(Cli.HELP);
    }

    static RunOptions of(CommandLine cl, Main.Launch launch) {
        Path config = cl.hasOption(CONFIG) ? Path.of(cl.getOptionValue(CONFIG)).toAbsolutePath() : null;
        return new RunOptions(launch.home(), Cli.pluginsDir(cl.getOptionValue(Cli.PLUGINS_DIR), launch), config,
                values(cl, SET), cl.getOptionValue(BIND), cl.hasOption(ENABLE) ? ids(cl, ENABLE) : null, ids(cl, DISABLE));
    }

    /** The configuration file that ships with the installation. */
    Path defaultsFile() {
        return home.resolve("conf").resolve("netsvc.properties");
    }

    /** Reads the files again and layers the command line over them; nothing is validated yet. */
    Configuration configuration(Map<String, ServiceInfo> services) {
        Configuration config = new Configuration(services);
        if (Files.isRegularFile(defaultsFile())) {
            config.addFile(defaultsFile(), home.relativize(defaultsFile()).toString());
        }
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new ConfigException("--config", "--config: file " + configFile + " does not exist");
            }
            config.addFile(configFile, "--config " + configFile);
        }
        sets.forEach(config::addSetting);
        if (bind != null) {
            config.defaultBind(bind);
        }
        if (enable != null) {
            config.enableOnly(enable);
        }
        if (!disable.isEmpty()) {
            config.disable(disable);
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
