package dev.netsvc.launcher;

import dev.netsvc.core.Netsvc;
import dev.netsvc.core.UsageException;
import dev.netsvc.launcher.control.ControlServer;

import org.apache.commons.cli.CommandLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * {@code netsvc run}: wires the long-lived {@link Host} to the signals and the control socket, reports
 * the launch and waits for SIGINT or SIGTERM.
 */
final class RunCommand implements Main.Command {

    private static final Logger log = LoggerFactory.getLogger("netsvc");

    private final Main.Launch launch;

    RunCommand(Main.Launch launch) {
        this.launch = launch;
    }

    @Override
    public int run(List<String> args) {
        CommandLine cl = Cli.parse(RunOptions.options(), args);
        if (cl.hasOption(Cli.HELP)) {
            launch.out().print(Cli.help("netsvc run [options]",
                    "Starts every enabled service under the supervisor and runs until SIGINT or SIGTERM.\n"
                            + "SIGHUP reloads the configuration, SIGUSR1 logs the status (docs/operators.md).\n"
                            + "Configuration: service defaults < conf/netsvc.properties < --config < --set.",
                    RunOptions.options()));
            return Main.OK;
        }
        if (!cl.getArgList().isEmpty()) {
            throw new UsageException("unexpected argument '" + cl.getArgList().get(0) + "'");
        }
        RunOptions options = RunOptions.of(cl, launch);
        HostSignals signals = HostSignals.install();
        PluginHost plugins = new PluginHost(options.pluginsDir(), Netsvc.apiVersion());
        try {
            plugins.load();
            plugins.problems().forEach(p -> log.warn("{}", p));
            if (plugins.services().isEmpty()) {
                log.error("no services: no plugin in {} provides one", options.pluginsDir());
                return Main.FAILURE;
            }
            Host host = new Host(plugins, options, Clock.systemUTC());
            Path socket = options.home().resolve(host.plan().host().adminSocket());
            try (ControlServer control = openControl(socket, host)) {
                if (control == null) {
                    return Main.FAILURE;
                }
                return serve(host, signals);
            }
        } finally {
            closeQuietly(plugins);
        }
    }

    private static ControlServer openControl(Path socket, Host host) {
        try {
            return ControlServer.open(socket, new HostControl(host));
        } catch (IOException e) {
            log.error("netsvc: cannot open the control socket {} (admin.socket): {}", socket, e.getMessage());
            return null;
        }
    }

    private static int serve(Host host, HostSignals signals) {
        Host.Launch started;
        try {
            started = host.launch();
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
        if (started.running() == 0) {
            log.error("netsvc: no service could start: {}", String.join("; ",
                    started.notRunning().stream().map(Problem::toString).toList()));
            host.close();
            return Main.FAILURE;
        }
        host.supervise();
        signals.attach(host);
        log.info("{}", started.readyLine());
        String name = await(signals);
        log.info("netsvc stopping on {}", name);
        host.close();
        log.info("netsvc stopped");
        return Main.OK;
    }

    // The plugins' own stop() is third-party code: give it a moment, then leave it (main exits the JVM).
    private static void closeQuietly(PluginHost plugins) {
        Thread t = Thread.ofPlatform().name("plugins-close").daemon(true).start(plugins::close);
        try {
            t.join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String await(HostSignals signals) {
        try {
            return signals.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupt";
        }
    }
}
