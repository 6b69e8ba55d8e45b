package dev.netsvc.launcher.cli;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.UsageException;
import dev.netsvc.launcher.control.ExitStatus;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code netsvc import-xinetd FILE|DIR}: prints the netsvc configuration equivalent to xinetd's service
 * files (a file such as {@code /etc/xinetd.conf}, whose includes it follows, or a folder such as
 * {@code /etc/xinetd.d}), to be checked and put in {@code conf.d/}. Every attribute it cannot carry over
 * is named in a {@code # not carried over:} line, and their count is said on standard error. Exit 0, or 2
 * when a file cannot be read or parsed (the message names the file and line).
 */
final class ImportXinetdCommand implements Main.Command {

    private static final Option SERVICES = Option.builder().longOpt("services").hasArg().argName("FILE")
            .desc("where service names find their ports (default /etc/services)").get();

    private final Main.Launch launch;

    ImportXinetdCommand(Main.Launch launch) {
        this.launch = launch;
    }

    @Override
    public int run(List<String> args) {
        Options options = new Options().addOption(SERVICES).addOption(Cli.HELP);
        CommandLine cl = Cli.parse(options, args);
        if (cl.hasOption(Cli.HELP)) {
            launch.out().print(Cli.help("netsvc import-xinetd [--services FILE] FILE|DIR",
                    "Prints the netsvc configuration equivalent to xinetd's service files (a file such as\n"
                            + "/etc/xinetd.conf, whose includes are followed, or a folder such as /etc/xinetd.d): a\n"
                            + "program becomes an instance of the exec service; xinetd's own echo, daytime and time\n"
                            + "become netsvc's. Each attribute that cannot be carried over is named in a line\n"
                            + "'# not carried over: ...'. Check the result with 'netsvc check -c FILE', then put it in\n"
                            + "conf.d/.", options));
            return ExitStatus.OK;
        }
        if (cl.getArgList().size() != 1) {
            throw new UsageException(cl.getArgList().isEmpty() ? "missing FILE or DIR: xinetd's configuration to import"
                    : "expected one FILE or DIR");
        }
        Path from = Path.of(cl.getArgList().get(0));
        if (!Files.exists(from)) {
            throw new ConfigException(from.toString(), from + " does not exist");
        }
        XinetdFiles files = XinetdFiles.read(from);
        XinetdImport translation = new XinetdImport(ports(Path.of(cl.getOptionValue(SERVICES, "/etc/services"))));
        List<String> lines = translation.lines(files);
        long services = files.sections().stream().filter(s -> !s.isDefaults()).count();
        launch.out().println("# netsvc configuration from xinetd's " + from.toAbsolutePath().normalize() + " (" + services
                + (services == 1 ? " service" : " services") + " in " + files.fileCount() + (files.fileCount() == 1 ? " file" : " files")
                + "), by netsvc import-xinetd");
        launch.out().println("# check it with 'netsvc check -c FILE', then put it in conf.d/");
        lines.forEach(launch.out()::println);
        if (translation.notCarried() > 0) {
            launch.err().println("netsvc import-xinetd: " + translation.notCarried()
                    + (translation.notCarried() == 1 ? " attribute was" : " attributes were")
                    + " not carried over; each is named in a '# not carried over:' line");
        }
        return ExitStatus.OK;
    }

    /** {@code name/protocol} (and each alias) to port, from an /etc/services file; empty when it cannot be read. */
    static Map<String, Integer> ports(Path file) {
        Map<String, Integer> ports = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return ports; // no names to look up: every service without a port attribute is said so
        }
        for (String line : lines) {
            int hash = line.indexOf('#');
            String[] words = (hash < 0 ? line : line.substring(0, hash)).strip().split("\\s+");
            if (words.length < 2 || !words[1].matches("[0-9]+/[a-z]+")) {
                continue;
            }
            String[] portProto = words[1].split("/");
            for (int i = 0; i < words.length; i++) {
                if (i != 1) {
                    ports.putIfAbsent(words[i] + "/" + portProto[1], Integer.parseInt(portProto[0]));
                }
            }
        }
        return ports;
    }
}
