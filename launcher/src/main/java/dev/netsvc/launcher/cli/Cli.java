package dev.netsvc.launcher.cli;

import dev.netsvc.core.Netsvc;
import dev.netsvc.core.UsageException;
import dev.netsvc.launcher.plugins.PluginCatalog;
import dev.netsvc.launcher.text.Problem;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** Command-line parsing and help text shared by every command. */
final class Cli {

    static final Option HELP = Option.builder("h").longOpt("help").desc("show this help and exit").get();
    static final Option PLUGINS_DIR = Option.builder("p").longOpt("plugins-dir").hasArg().argName("DIR")
            .desc("plugin folder (default: the distribution's plugins/)").get();

    private Cli() {
    }

    /** The plugin folder: {@code given} (from -p), else the distribution's plugins/. */
    static Path pluginsDir(String given, Main.Launch launch) {
        return given == null ? launch.defaultPluginsDir() : Path.of(given).toAbsolutePath();
    }

    /**
     * The plugins of {@code dir}, loaded as {@code run} loads them; every jar that does not load is one
     * line on standard error, in the words {@code run} logs.
     */
    static PluginCatalog loadPlugins(Path dir, Main.Launch launch) {
        return PluginCatalog.load(dir, Netsvc.version(), new PluginCatalog.Report() {
            @Override
            public void problem(Problem problem) {
                launch.err().println("netsvc: " + problem);
            }

            @Override
            public void info(String line) {
                // what loaded is what the command shows
            }
        });
    }

    /** Parses {@code args}; a parse error becomes a {@link UsageException} with commons-cli's message. */
    static CommandLine parse(Options options, List<String> args) {
        try {
            return DefaultParser.builder().setStripLeadingAndTrailingQuotes(false).get()
                    .parse(options, args.toArray(String[]::new), false);
        } catch (MissingArgumentException e) {
            throw new UsageException("missing value for option " + name(e.getOption()));
        } catch (ParseException e) {
            throw new UsageException(e.getMessage().replace("Unrecognized option", "unknown option"));
        }
    }

    /** {@code --set} rather than commons-cli's bare {@code s}: the name a user can look up in the help. */
    static String name(Option option) {
        return option.getLongOpt() != null ? "--" + option.getLongOpt() : "-" + option.getOpt();
    }

    /** "usage: ..." then a description, then one line per option. */
    static String help(String usage, String description, Options options) {
        StringBuilder out = new StringBuilder("usage: ").append(usage).append('\n');
        if (!description.isEmpty()) {
            out.append('\n').append(description).append('\n');
        }
        if (!options.getOptions().isEmpty()) {
            out.append("\noptions:\n").append(optionLines(options));
        }
        return out.toString();
    }

    static String optionLines(Options options) {
        List<Option> sorted = options.getOptions().stream()
                .sorted(Comparator.comparing((Option o) -> o.getLongOpt() == null ? o.getOpt() : o.getLongOpt()))
                .toList();
        List<String> left = sorted.stream().map(Cli::synopsis).toList();
        int width = left.stream().mapToInt(String::length).max().orElse(0) + 2;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < sorted.size(); i++) {
            out.append("  ").append(left.get(i)).append(" ".repeat(width - left.get(i).length()))
                    .append(sorted.get(i).getDescription()).append('\n');
        }
        return out.toString();
    }

    private static String synopsis(Option o) {
        String names = (o.getOpt() != null ? "-" + o.getOpt() + ", " : "    ") + "--" + o.getLongOpt();
        return o.hasArg() ? names + " " + o.getArgName() : names;
    }
}
