package dev.netsvc.launcher.cli;

import dev.netsvc.core.UsageException;
import dev.netsvc.launcher.config.ConfigSources;
import dev.netsvc.launcher.control.ExitStatus;
import dev.netsvc.launcher.control.ControlClient;
import dev.netsvc.launcher.control.ControlProtocol;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code netsvc status|start|stop|restart|reload}: one request to the running host through its control
 * socket; prints the answer and exits with the host's status for it.
 */
final class ControlCommand implements Main.Command {

    static final Option ADMIN_SOCKET = Option.builder().longOpt("admin-socket").hasArg().argName("PATH")
            .desc("control socket of the running host (default: admin.socket in conf/netsvc.properties, "
                    + "else netsvc.sock in the run folder, NETSVC_RUN_DIR)").get();
    private static final Option JSON = Option.builder().longOpt("json").desc("print JSON instead of a table").get();

    private final Main.Launch launch;
    private final String verb;

    ControlCommand(Main.Launch launch, String verb) {
        this.launch = launch;
        this.verb = verb;
    }

    private Options options() {
        Options options = new Options().addOption(ADMIN_SOCKET).addOption(Cli.HELP);
        return verb.equals("status") ? options.addOption(JSON) : options;
    }

    @Override
    public int run(List<String> args) {
        CommandLine cl = Cli.parse(options(), args);
        if (cl.hasOption(Cli.HELP)) {
            launch.out().print(Cli.help(usage(), description(), options()));
            return ExitStatus.OK;
        }
        List<String> ids = cl.getArgList();
        boolean needsIds = verb.equals("start") || verb.equals("stop") || verb.equals("restart");
        if (needsIds && ids.isEmpty()) {
            throw new UsageException("which service? usage: " + usage());
        }
        if (!needsIds && !verb.equals("status") && !ids.isEmpty()) {
            throw new UsageException("unexpected argument '" + ids.get(0) + "'");
        }
        List<String> request = new ArrayList<>(List.of(verb));
        request.addAll(ids);
        if (cl.hasOption(JSON)) {
            request.add("--json");
        }
        Path socket = socket(cl.getOptionValue(ADMIN_SOCKET));
        try {
            ControlProtocol.Reply reply = ControlClient.send(socket, request);
            launch.out().print(reply.out());
            launch.err().print(reply.err());
            return reply.exitCode();
        } catch (IOException e) {
            launch.err().println(e.getMessage());
            return ExitStatus.FAILURE;
        }
    }

    /** --admin-socket, else admin.socket as the installation's configuration file sets it, else the default. */
    private Path socket(String given) {
        return given != null ? Path.of(given).toAbsolutePath() : ConfigSources.controlSocket(launch.layout());
    }

    private String usage() {
        return switch (verb) {
            case "status" -> "netsvc status [--json] [--admin-socket PATH] [ID...]";
            case "reload" -> "netsvc reload [--admin-socket PATH]";
            default -> "netsvc " + verb + " ID... [--admin-socket PATH]";
        };
    }

    private String description() {
        return switch (verb) {
            case "status" -> "Every service of the running host (or those named): state, endpoints, connections now and in total,\n"
                    + "restarts, plugin and version, and since when it is in its state.";
            case "reload" -> "Re-reads the configuration (the same as SIGHUP): services whose settings changed restart,\n"
                    + "services whose enabled changed start or stop. A configuration that does not validate is refused\n"
                    + "whole and the running one stays (exit 2).";
            case "start" -> "Starts services of the running host that are stopped, in backoff or failed (for this run).";
            case "stop" -> "Stops services of the running host (for this run); open connections get the grace to finish.";
            default -> "Stops and starts services of the running host.";
        };
    }
}
