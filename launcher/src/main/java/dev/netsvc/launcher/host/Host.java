package dev.netsvc.launcher.host;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.FileErrors;
import dev.netsvc.core.Netsvc;
import dev.netsvc.core.internal.FileDescriptors;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketErrors;
import dev.netsvc.launcher.admin.AdminServer;
import dev.netsvc.launcher.admin.HostView;
import dev.netsvc.launcher.config.ConfigSources;
import dev.netsvc.launcher.config.HostSettings;
import dev.netsvc.launcher.config.Plan;
import dev.netsvc.launcher.config.ServicePlan;
import dev.netsvc.launcher.control.ExitStatus;
import dev.netsvc.launcher.plugins.PluginCatalog;
import dev.netsvc.launcher.plugins.PluginFolderScanner;
import dev.netsvc.launcher.plugins.PluginFolderWatcher;
import dev.netsvc.launcher.plugins.PluginStatus;
import dev.netsvc.launcher.plugins.ServiceDeployment;
import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.supervisor.ServiceStatus;
import dev.netsvc.launcher.supervisor.Supervisor;
import dev.netsvc.launcher.systemd.InheritedSockets;
import dev.netsvc.launcher.systemd.ServiceManager;
import dev.netsvc.launcher.text.Problem;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * A running netsvc: the plugins it loaded, the configuration it reads, the supervisor running their
 * services, the admin endpoint and the live plugins folder, alive for the whole run. The control socket
 * and the signals act through it. Orders and the configuration part of a reload are serialised on this
 * object; a deploy from the plugins folder goes through the catalog's lock and then the supervisor's,
 * never through this one. Reading ({@link HostView}) takes no lock.
 */
public final class Host implements HostView, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("netsvc");
    /** How often a transaction looks whether its probation is over. */
    private static final Duration PROBATION_POLL = Duration.ofMillis(20);

    private final PluginCatalog plugins;
    private final PluginFolderScanner scanner;
    private final ConfigSources sources;
    private final Clock clock;
    private final Instant startedAt;
    private final Supervisor supervisor;
    private final ServiceDeployment deployment;
    private volatile HostSettings settings;
    private Plan launchPlan; // until launch()
    private volatile AdminServer admin;
    private volatile PluginFolderWatcher watcher;
    private volatile CompletableFuture<?> pluginsOpen = CompletableFuture.completedFuture(null);
    private boolean closed;
    private final Map<String, Long> reloads = new java.util.concurrent.ConcurrentHashMap<>();
    private final InheritedSockets inherited;
    private final ServiceManager manager;
    private volatile boolean draining;

    /**
     * Validates the configuration for the plugins {@code plugins} loaded ({@link ConfigException} when it
     * does not), nothing started yet.
     *
     * @param scanner the scanner {@code plugins} were loaded through, kept for reloads and the live folder
     */
    public Host(PluginCatalog plugins, PluginFolderScanner scanner, ConfigSources sources, Clock clock) {
        this(plugins, scanner, sources, clock, InheritedSockets.NONE, ServiceManager.NONE);
    }

    /**
     * As above, under a service manager: services take the sockets {@code inherited} holds before they bind
     * their own, and {@code manager} hears of reloads and gets the watchdog's pings from the supervisor's loop.
     */
    public Host(PluginCatalog plugins, PluginFolderScanner scanner, ConfigSources sources, Clock clock,
                InheritedSockets inherited, ServiceManager manager) {
        this.plugins = plugins;
        this.inherited = inherited;
        this.manager = manager;
        this.scanner = scanner;
        this.sources = sources;
        this.clock = clock;
        this.startedAt = clock.instant();
        Plan plan = sources.plan(plugins.services());
        if (plan.enabled().isEmpty()) {
            if (!plan.host().pluginsWatch()) {
                throw new ConfigException("enabled", "nothing to run: every service is disabled, and plugins.watch=false"
                        + " means no plugin can bring one");
            }
            // a host kept for plugins still to come (an author's first run, a folder filled later)
            log.warn("no service is enabled: netsvc runs and waits for plugins dropped into {}, and for 'netsvc start ID'",
                    scanner.dir());
        }
        plan.warnings().forEach(log::warn);
        this.launchPlan = plan;
        this.settings = plan.host();
        this.supervisor = new Supervisor(clock, sources.layout().home(), plan.shutdownGrace(), inherited);
        inherited.problems().forEach(log::warn);
        inherited.serviceIds(serviceIdsOf(plan));
        supervisor.addHeartbeat(manager::watchdogTick);
        this.deployment = new ServiceDeployment(supervisor, sources::planPart);
        plugins.probation(plan.host().probation());
        supervisor.addDeathListener(plugins::died);
    }

    /** The host's settings as the launch or the last reload left them. */
    public HostSettings settings() {
        return settings;
    }

    /**
     * Starts every enabled service; those that cannot start go to backoff. A configuration error a service
     * finds when it starts stops what started and propagates as {@link ConfigException}.
     */
    public synchronized Launch launch() {
        Plan plan = launchPlan;
        launchPlan = null;
        supervisor.udpPorts(plan.udpPorts());
        FileDescriptors.limit().ifPresent(limit ->
                FileDescriptors.checkBudget(plan.maxConnections(), limit).ifPresent(log::warn));
        Map<String, Long> startNanos;
        try {
            startNanos = supervisor.launch(plan.services());
        } catch (ConfigException e) {
            supervisor.stopAll();
            throw e;
        }
        inherited.unclaimed().forEach(log::warn);
        int running = 0;
        List<Problem> notRunning = new ArrayList<>();
        for (ServiceStatus s : supervisor.statuses()) {
            if (!s.enabled()) {
                continue;
            }
            if (s.state() == ServiceState.RUNNING) {
                running++;
            } else {
                notRunning.add(new Problem(s.id(), Launch.brief(s.state(), s.reason())));
            }
        }
        return new Launch(plan.enabled().size(), running, notRunning, Map.copyOf(startNanos));
    }

    /**
     * From now on deaths are heard and backoffs end (the supervisor thread), the admin endpoint answers,
     * and jars added to, replaced in or removed from the plugins folder are deployed, swapped or removed.
     */
    public void supervise() {
        supervise(CompletableFuture.completedFuture(null));
    }

    /**
     * As {@link #supervise()}, but the plugins folder is watched, and a reload looks at it, only once
     * {@code pluginsOpen} completes: a JVM recording the start cache keeps every class it loaded (so every
     * plugin's class loader) until the recording ends, so no plugin is loaded or unloaded before then.
     */
    public void supervise(CompletableFuture<?> pluginsOpen) {
        supervisor.startThread();
        admin = startAdmin(settings);
        this.pluginsOpen = pluginsOpen;
        pluginsOpen.whenComplete((done, failure) -> watchPlugins());
    }

    private synchronized void watchPlugins() {
        if (settings.pluginsWatch() && !closed) {
            scanner.settle(settings.pluginsScanInterval());
            PluginFolderWatcher w = new PluginFolderWatcher(scanner, changes -> plugins.apply(changes, deployment),
                    settings.pluginsScanInterval(), true, clock);
            w.start();
            watcher = w;
        }
    }

    /**
     * The admin endpoint, if enabled. A port it cannot bind is one error line and the services run on:
     * a taken monitoring port must not take the services down (a scraper sees the endpoint missing).
     */
    private AdminServer startAdmin(HostSettings s) {
        if (!s.adminEnabled()) {
            return null;
        }
        InetSocketAddress address = new InetSocketAddress(s.adminBind(), s.adminPort());
        try {
            AdminServer server = AdminServer.start(this, address);
            log.info("admin listening on http://{}/", HostPort.format(server.address()));
            return server;
        } catch (IOException e) {
            log.error("admin endpoint failed to start: {}; the services run without it (change admin.port, or set"
                    + " admin.enabled=false)", SocketErrors.explain(e, "tcp " + HostPort.format(address)).message());
            return null;
        }
    }

    /** The control socket as configured, resolved against the installation. */
    public Path controlSocket() {
        return sources.layout().controlSocket(settings.adminSocket());
    }

    // ---- HostView ---------------------------------------------------------------------------------

    @Override
    public String version() {
        return Netsvc.version();
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public List<ServiceStatus> services() {
        return supervisor.statuses();
    }

    @Override
    public List<PluginStatus> plugins() {
        return plugins.plugins();
    }

    @Override
    public long pluginDeploys() {
        return plugins.deploys();
    }

    @Override
    public long pluginDeployFailures() {
        return plugins.failedDeploys();
    }

    @Override
    public int uncollectedPluginClassLoaders() {
        return plugins.uncollectedClassLoaders();
    }

    @Override
    public int pluginClassLoadersAwaitingCollection() {
        return plugins.classLoadersAwaitingCollection();
    }

    @Override
    public List<String> pluginsAwaitingCollection() {
        return plugins.classLoadersAwaitingCollectionOf();
    }

    @Override
    public boolean draining() {
        return draining;
    }

    @Override
    public boolean alive() {
        return supervisor.loopAlive(LOOP_STALLED);
    }

    /**
     * The stop is coming ({@code netsvc.shutdown-drain-delay}): {@code /readyz} answers 503 from now on, so
     * that load balancers and Kubernetes send new clients elsewhere, while every service goes on serving and
     * lets its long-lived clients go ({@link dev.netsvc.core.RunningService#drain}).
     */
    public void drain() {
        draining = true;
        supervisor.drain();
    }

    @Override
    public List<String> problems() {
        PluginFolderWatcher w = watcher;
        return w == null ? List.of() : w.problem().map(List::of).orElse(List.of());
    }

    /** The status table, for the log (SIGUSR1) and {@code netsvc status}. */
    public String statusDump() {
        return statusDump(this);
    }

    /** The status table of {@code view}'s services (the host's, or those an operator named), and the plugins line. */
    String statusDump(HostView view) {
        StringBuilder out = new StringBuilder(StatusTable.table(view.services(), clock.instant()));
        problems().forEach(p -> out.append("problem: ").append(p).append('\n'));
        return out + StatusTable.pluginsLine(this);
    }

    // ---- orders -----------------------------------------------------------------------------------

    /** Starts a service that is stopped, in backoff or failed (for this run); the restart count starts over. */
    public synchronized void start(String id) {
        requireKnown(id);
        supervisor.start(id);
    }

    /** Stops a service for this run (its open connections get the grace to finish). */
    public synchronized void stop(String id) {
        requireKnown(id);
        supervisor.stop(id);
    }

    /**
     * A fresh instance of a service, swapped in as a reload swaps a changed one: a running service gets its
     * new instance beside the old one, which serves on through the probation and then drains, so no
     * connection is refused; one that does not run is started. The restart count starts over.
     */
    public synchronized Reload restart(String id) {
        requireKnown(id);
        ServicePlan plan = supervisor.plan(id).orElseThrow();
        if (state(id) != ServiceState.RUNNING) {
            supervisor.start(id);
            boolean running = state(id) == ServiceState.RUNNING;
            return new Reload(List.of(id + ": " + (running ? "started" : state(id).label())),
                    running ? ExitStatus.OK : ExitStatus.FAILURE, running ? "" : id + ": " + reason(id));
        }
        return transaction(new ServiceChanges(List.of(plan), List.of(), List.of(), List.of(), List.of(),
                List.of(id + ": a fresh instance serves")), settings, List.of());
    }

    /** Every service id the host knows, sorted. */
    public Set<String> serviceIds() {
        Set<String> ids = new TreeSet<>();
        services().forEach(s -> ids.add(s.id()));
        return ids;
    }

    private void requireKnown(String id) {
        if (!serviceIds().contains(id)) {
            throw new UnknownServiceException(id, serviceIds());
        }
    }

    /**
     * What a reload (or a restart) did: one line per change (a plugin deployed, replaced, removed or
     * refused; a service with new settings, moved, started, stopped or rolled back), its exit status (0
     * everything asked for was applied, 2 the configuration was refused, 1 something could not be applied)
     * and, when not 0, why in one line.
     */
    public record Reload(List<String> lines, int exitStatus, String failure) {
    }

    /**
     * Rescans the plugins folder (jars added, replaced or removed are deployed, swapped or removed as the
     * folder is now: the operator says they are in place), then re-reads the configuration, validates it
     * whole and applies the difference as one transaction ({@link #transaction}). A configuration that does
     * not validate changes nothing (exit 2); the plugins' changes have happened all the same (their files
     * say so), each its own all-or-nothing swap.
     */
    public Reload reload() {
        manager.reloading();
        Reload reload = null;
        try {
            reload = reloadPluginsAndConfiguration();
            return reload;
        } finally {
            manager.reloaded(reload == null ? "reload failed" : reload.exitStatus() == ExitStatus.OK ? "reloaded"
                    : (reload.exitStatus() == ExitStatus.USAGE ? "reload refused, nothing changed: " : "reload not all applied: ")
                    + reload.failure());
        }
    }

    private Reload reloadPluginsAndConfiguration() {
        awaitPluginsOpen();
        List<String> lines = new ArrayList<>();
        String failure = "";
        List<PluginStatus> before = plugins.plugins();
        try {
            for (Problem p : plugins.apply(scanner.scan(true), deployment)) {
                lines.add(p.toString());
                failure = p.toString();
            }
        } catch (IOException e) {
            failure = "plugins folder " + scanner.dir() + " cannot be read: " + FileErrors.reason(e);
            lines.add(failure);
        }
        lines.addAll(0, PluginStatus.changes(before, plugins.plugins()));
        Reload config = reloadConfiguration();
        lines.addAll(config.lines());
        int exit = config.exitStatus() != ExitStatus.OK ? config.exitStatus()
                : failure.isEmpty() ? ExitStatus.OK : ExitStatus.FAILURE;
        Reload reload = new Reload(lines, exit, config.exitStatus() != ExitStatus.OK ? config.failure() : failure);
        reloads.merge(switch (exit) {
            case ExitStatus.OK -> "applied";
            case ExitStatus.USAGE -> "refused";
            default -> "failed";
        }, 1L, Long::sum);
        if (exit == ExitStatus.OK) {
            log.info("reloaded: {}", lines.isEmpty() ? "nothing changed" : String.join("; ", lines));
        } else {
            log.error("reload {}: {}{}", exit == ExitStatus.USAGE ? "refused, nothing changed" : "not all applied",
                    reload.failure(), lines.isEmpty() ? "" : " (" + String.join("; ", lines) + ")");
        }
        return reload;
    }

    private synchronized Reload reloadConfiguration() {
        Plan next;
        try {
            next = sources.plan(plugins.services());
        } catch (ConfigException e) {
            return new Reload(List.of(), ExitStatus.USAGE, e.getMessage());
        }
        List<String> warnings = next.warnings().stream().map(w -> "warning: " + w).toList();
        warnings.forEach(log::warn);
        supervisor.udpPorts(next.udpPorts());
        inherited.serviceIds(serviceIdsOf(next));
        ServiceChanges changes = ServiceChanges.between(supervisor.plans(), supervisor.statuses(), next);
        Reload applied = transaction(changes, next.host(), warnings);
        return applied;
    }

    /**
     * Applies {@code changes} as one transaction: every new instance starts beside the old one (or a
     * service starts); if one cannot, the ones started so far stop again and nothing changed (exit 1).
     * Otherwise the old instances serve on through the probation ({@code netsvc.probation}); a new instance
     * that dies meanwhile gives way to its old one (rolled back, exit 1); then the old ones drain, and
     * the host takes {@code host}'s settings. {@code notes} follow the lines of what changed.
     */
    private Reload transaction(ServiceChanges changes, HostSettings host, List<String> notes) {
        Supervisor.Renewal renewal = supervisor.reconfigure(changes.renew(), changes.start(), changes.stop(), changes.replan())
                .removing(changes.remove());
        if (renewal.refused().isPresent()) {
            Problem p = renewal.refused().get();
            List<String> lines = new ArrayList<>(List.of(p.subject() + ": not applied: " + p.cause()));
            lines.addAll(notes);
            return new Reload(lines, renewal.refusedByConfiguration() ? ExitStatus.USAGE : ExitStatus.FAILURE,
                    p + "; nothing was changed, every service serves as before");
        }
        awaitProbation(renewal, host.probation());
        List<Problem> rolledBack = renewal.finish();
        List<String> lines = new ArrayList<>(changes.lines());
        for (Problem p : rolledBack) {
            lines.removeIf(l -> l.startsWith(p.subject() + ": "));
            lines.add(p.subject() + ": rolled back: " + p.cause() + "; its previous settings serve on");
        }
        lines.addAll(applyHostSettings(host));
        lines.addAll(notes);
        boolean ok = rolledBack.isEmpty();
        return new Reload(lines, ok ? ExitStatus.OK : ExitStatus.FAILURE, ok ? "" : rolledBack.get(0).toString());
    }

    // Waits while a renewed service's old instance stands by, until the probation is over on the clock
    // (bounded in real time too, for a clock that does not move)
    private void awaitProbation(Supervisor.Renewal renewal, Duration probation) {
        Instant end = clock.instant().plus(probation);
        long realDeadline = System.nanoTime() + probation.plusSeconds(5).toNanos();
        while (renewal.onProbation() && clock.instant().isBefore(end) && System.nanoTime() < realDeadline) {
            LockSupport.parkNanos(PROBATION_POLL.toNanos());
        }
    }

    private List<String> applyHostSettings(HostSettings next) {
        List<String> lines = new ArrayList<>();
        HostSettings was = settings;
        supervisor.grace(next.shutdownGrace());
        if (!next.shutdownGrace().equals(was.shutdownGrace())) {
            lines.add("netsvc.shutdown-grace is now " + next.shutdownGrace().toMillis() + " ms");
        }
        if (!next.probation().equals(was.probation())) {
            plugins.probation(next.probation());
            lines.add("netsvc.probation is now " + next.probation().toMillis() + " ms");
        }
        if (was.adminDiffers(next)) {
            lines.add("admin.* changes take effect at the next 'netsvc run'");
        }
        settings = next;
        return lines;
    }

    private static List<String> serviceIdsOf(Plan plan) {
        return plan.services().stream().map(ServicePlan::id).toList();
    }

    private ServiceState state(String id) {
        return services().stream().filter(s -> s.id().equals(id)).map(ServiceStatus::state).findFirst().orElse(null);
    }

    private String reason(String id) {
        return services().stream().filter(s -> s.id().equals(id)).map(ServiceStatus::reason).findFirst().orElse("");
    }

    /** Reloads by outcome since the host started (applied, refused, failed): {@code netsvc_reloads_total}. */
    @Override
    public Map<String, Long> reloads() {
        return Map.copyOf(reloads);
    }

    // A reload during the start cache's recording waits for it (bounded: the JDK needs a few seconds)
    private void awaitPluginsOpen() {
        try {
            pluginsOpen.get(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // the recording failed or hangs: plugins change all the same
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops watching the plugins folder, the admin endpoint and every service (within the grace plus a margin). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        PluginFolderWatcher w = watcher;
        if (w != null) {
            w.close();
        }
        AdminServer endpoint = admin;
        if (endpoint != null) {
            endpoint.close();
        }
        supervisor.stopAll();
    }
}
