package dev.netsvc.launcher;

import dev.netsvc.core.Netsvc;
import dev.netsvc.core.UsageException;
import dev.netsvc.launcher.control.ControlServer;

import org.apache.commons.cli.CommandLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
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
        StartupTrace trace = StartupTrace.begin();
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
        if (!Files.isDirectory(options.pluginsDir())) {
            throw new UsageException("plugins folder " + options.pluginsDir() + " does not exist");
        }
        HostSignals signals = HostSignals.install();
        // a plugin thread that dies of an exception nobody caught: one line, not a page of stack trace
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            log.error("thread {} ended with {}: {}", t.getName(), e.getClass().getSimpleName(), PluginHost.plainCause(e));
            log.debug("stack trace of thread {}", t.getName(), e);
        });
        trace.phase("options and logging");
        Clock clock = Clock.systemUTC();
        PluginStaging staging;
        try {
            staging = PluginStaging.forProcess(options.home());
        } catch (IOException e) {
            log.error("netsvc: cannot make a folder for the plugins' private copies under {}: {}", options.home(), e.getMessage());
            return Main.FAILURE;
        }
        LivePlugins plugins = new LivePlugins(staging, Netsvc.version(), clock, null);
        PluginFolderScanner scanner = new PluginFolderScanner(options.pluginsDir(), Duration.ofSeconds(1), clock, plugins);
        try {
            scanner.scan(true);
            trace.phase("plugins loaded");
            if (plugins.services().isEmpty()) {
                log.error("no services: no plugin in {} provides one", options.pluginsDir());
                return Main.FAILURE;
            }
            Host host = new Host(plugins, options, clock);
            host.livePlugins(plugins);
            Path socket = options.home().resolve(host.plan().host().adminSocket());
            try (ControlServer control = openControl(socket, host)) {
                if (control == null) {
                    return Main.FAILURE;
                }
                return serve(host, signals, plugins, scanner, options.pluginsDir(), clock, trace);
            }
        } catch (IOException e) {
            log.error("netsvc: plugins folder {} cannot be read: {}", options.pluginsDir(), e.getMessage());
            return Main.FAILURE;
        } finally {
            closeQuietly(plugins);
            staging.close();
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

    private static int serve(Host host, HostSignals signals, LivePlugins plugins, PluginFolderScanner scanner,
                             Path pluginsDir, Clock clock, StartupTrace trace) {
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
        trace.phase("services started", started::startTimes);
        trace.report();
        markStartCacheRecording();
        PluginFolderWatcher watcher = watch(host, plugins, scanner, pluginsDir, clock);
        String name = await(signals);
        log.info("netsvc stopping on {}", name);
        if (watcher != null) {
            watcher.close();
        }
        plugins.attach(null); // the host stops every service itself, in parallel
        host.close();
        log.info("netsvc stopped");
        return Main.OK;
    }

    /**
     * Tells bin/netsvc that the start cache this JVM writes at exit (if it records one) comes from a start
     * that got to ready: one that ended early (a usage or configuration error) loaded too few classes to be
     * worth using, and is deleted instead of published.
     */
    private static void markStartCacheRecording() {
        String recording = System.getProperty("netsvc.start-cache.recording");
        if (recording != null) {
            try {
                java.nio.file.Files.createFile(Path.of(recording + ".ready"));
            } catch (IOException | RuntimeException e) {
                // then the next start records again: a cache costs only its benefit
            }
        }
    }

    // The live plugins folder: from now on a jar added, replaced or removed deploys, swaps or removes
    private static PluginFolderWatcher watch(Host host, LivePlugins plugins, PluginFolderScanner scanner, Path pluginsDir,
                                             Clock clock) {
        plugins.attach(new HostPluginServices(host));
        host.pluginRescan(() -> scanner.scan(true));
        Configuration.HostSettings settings = host.settings();
        if (!settings.pluginsWatch()) {
            return null;
        }
        scanner.settle(settings.pluginsScanInterval());
        PluginFolderWatcher watcher = new PluginFolderWatcher(pluginsDir, scanner, settings.pluginsScanInterval(), true, clock);
        watcher.start();
        return watcher;
    }

    // The plugins' own stop() is third-party code: give it a moment, then leave it (main exits the JVM).
    private static void closeQuietly(LivePlugins plugins) {
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
