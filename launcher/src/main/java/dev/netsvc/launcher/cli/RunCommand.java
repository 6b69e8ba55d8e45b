package dev.netsvc.launcher.cli;

import dev.netsvc.core.Netsvc;
import dev.netsvc.core.UsageException;
import dev.netsvc.launcher.config.ConfigSources;
import dev.netsvc.launcher.control.ControlServer;
import dev.netsvc.launcher.control.ExitStatus;
import dev.netsvc.launcher.host.Host;
import dev.netsvc.launcher.host.HostControl;
import dev.netsvc.launcher.host.HostSignals;
import dev.netsvc.launcher.host.Launch;
import dev.netsvc.launcher.plugins.Deployment;
import dev.netsvc.launcher.plugins.PluginCatalog;
import dev.netsvc.launcher.plugins.PluginFolderScanner;
import dev.netsvc.launcher.plugins.PluginStaging;
import dev.netsvc.launcher.systemd.InheritedSockets;
import dev.netsvc.launcher.systemd.ServiceManager;
import dev.netsvc.launcher.text.PlainCause;
import dev.netsvc.launcher.text.Problem;

import org.apache.commons.cli.CommandLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code netsvc run}: loads the plugins, makes the long-lived {@link Host}, wires it to the signals and
 * the control socket, reports the launch and waits for SIGINT or SIGTERM.
 */
final class RunCommand implements Main.Command {

    private static final Logger log = LoggerFactory.getLogger("netsvc");

    /** The running host says what the plugin catalog did in its log. */
    private static final PluginCatalog.Report LOG = new PluginCatalog.Report() {
        @Override
        public void problem(Problem problem) {
            log.warn("{}", problem);
        }

        @Override
        public void info(String line) {
            log.info("{}", line);
        }
    };

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
            return ExitStatus.OK;
        }
        if (!cl.getArgList().isEmpty()) {
            throw new UsageException("unexpected argument '" + cl.getArgList().get(0) + "'");
        }
        Path pluginsDir = RunOptions.pluginsDir(cl, launch);
        ConfigSources sources = RunOptions.sources(cl, launch);
        if (!Files.isDirectory(pluginsDir)) {
            throw new UsageException("plugins folder " + pluginsDir + " does not exist");
        }
        HostSignals signals = HostSignals.install();
        // a plugin thread that dies of an exception nobody caught: one line, not a page of stack trace
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            log.error("thread {} ended with {}: {}", t.getName(), e.getClass().getSimpleName(), PlainCause.of(e));
            log.debug("stack trace of thread {}", t.getName(), e);
        });
        trace.phase("options and logging");
        Clock clock = Clock.systemUTC();
        PluginStaging staging;
        try {
            staging = PluginStaging.forProcess(launch.layout().runDir());
        } catch (IOException e) {
            log.error("netsvc: cannot make a folder for the plugins' private copies under {}: {}", launch.layout().runDir(),
                    e.getMessage());
            return ExitStatus.FAILURE;
        }
        PluginCatalog plugins = new PluginCatalog(staging, Netsvc.version(), clock, LOG);
        PluginFolderScanner scanner = new PluginFolderScanner(pluginsDir, Duration.ofSeconds(1), clock);
        long pid = ProcessHandle.current().pid();
        ServiceManager manager = ServiceManager.fromEnvironment(System.getenv(), pid, clock, log::warn);
        InheritedSockets inherited = InheritedSockets.fromEnvironment(System.getenv(), pid);
        try {
            plugins.apply(scanner.scan(true), Deployment.LOAD_ONLY);
            trace.phase("plugins loaded");
            if (plugins.services().isEmpty()) {
                log.error("no services: no plugin in {} provides one", pluginsDir);
                return ExitStatus.FAILURE;
            }
            Host host = new Host(plugins, scanner, sources, clock, inherited, manager);
            try (ControlServer control = openControl(host)) {
                if (control == null) {
                    return ExitStatus.FAILURE;
                }
                return serve(host, signals, trace, manager);
            }
        } catch (IOException e) {
            log.error("netsvc: plugins folder {} cannot be read: {}", pluginsDir, e.getMessage());
            return ExitStatus.FAILURE;
        } finally {
            closeQuietly(plugins);
            staging.close();
        }
    }

    private static ControlServer openControl(Host host) {
        Path socket = host.controlSocket();
        try {
            return ControlServer.open(socket, new HostControl(host));
        } catch (IOException e) {
            log.error("netsvc: cannot open the control socket {} (admin.socket): {}", socket, e.getMessage());
            return null;
        }
    }

    private static int serve(Host host, HostSignals signals, StartupTrace trace, ServiceManager manager) {
        Launch started;
        try {
            started = host.launch();
        } catch (RuntimeException e) { // a ConfigException exits 2 through Main, with nothing left running
            host.close();
            throw e;
        }
        if (started.running() == 0) {
            log.error("netsvc: no service could start: {}", String.join("; ",
                    started.notRunning().stream().map(Problem::toString).toList()));
            host.close();
            return ExitStatus.FAILURE;
        }
        CompletableFuture<Void> recordingEnded = new CompletableFuture<>();
        host.supervise(recordingEnded); // the admin endpoint answers before the ready line is said
        signals.attach(host);
        log.info("{}", started.readyLine());
        manager.ready(started.readyLine());
        trace.phase("services started", started::startTimes);
        trace.report();
        Thread cacheWriter = markStartCacheRecording(recordingEnded);
        String name = await(signals);
        Duration drain = host.settings().shutdownDrainDelay();
        if (drain.isZero()) {
            log.info("netsvc stopping on {}", name);
            manager.stopping("stopping on " + name);
        } else {
            log.info("netsvc draining on {}: /readyz answers 503 and the services serve on for {} ms, then stop", name,
                    drain.toMillis());
            manager.stopping("draining on " + name);
            host.drain();
            sleep(drain); // the delay itself is the point: balancers take the host out of rotation meanwhile
            log.info("netsvc stopping after the drain");
        }
        host.close();
        if (cacheWriter != null) { // a start cache still being written: let it end, or the next start has none
            try {
                cacheWriter.join(START_CACHE_WRITE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log.info("netsvc stopped");
        return ExitStatus.OK;
    }

    /**
     * Tells bin/netsvc that the start cache this JVM records (if it records one) comes from a start that
     * got to ready: one that ended early (a usage or configuration error) loaded too few classes to be
     * worth using, and is deleted instead of published. Then, on Java 25+, ends the recording now instead
     * of at exit: the JVM keeps every class it records (and so every plugin's class loader) until the
     * recording ends, so a plugin replaced or removed later would never be collected. The cache is
     * written on a thread of its own (the JDK assembles it in a second JVM, a few seconds).
     */
    private static Thread markStartCacheRecording(CompletableFuture<Void> ended) {
        String recording = System.getProperty("netsvc.start-cache.recording");
        if (recording == null) {
            ended.complete(null);
            return null;
        }
        try {
            Files.createFile(Path.of(recording + ".ready"));
        } catch (IOException | RuntimeException e) {
            ended.complete(null);
            return null; // then the next start records again: a cache costs only its benefit
        }
        return Thread.ofPlatform().name("start-cache").daemon(true).start(() -> {
            try {
                endStartCacheRecording();
            } finally {
                ended.complete(null);
            }
        });
    }

    /** How long a stop waits for a start cache still being written (the JDK takes a few seconds). */
    private static final Duration START_CACHE_WRITE = Duration.ofSeconds(60);

    // jcmd's AOT.end_recording, through the JVM's own diagnostic command bean; before Java 25 there is none
    private static void endStartCacheRecording() {
        try {
            java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "aotEndRecording",
                    new Object[] {null}, new String[] {String[].class.getName()});
        } catch (Exception | LinkageError e) {
            log.debug("start cache: the recording goes on until exit ({})", PlainCause.of(e));
        }
    }

    // The plugins' own stop() is third-party code: give it a moment, then leave it (main exits the JVM).
    private static void closeQuietly(PluginCatalog plugins) {
        Thread t = Thread.ofPlatform().name("plugins-close").daemon(true).start(plugins::close);
        try {
            t.join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay);
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
