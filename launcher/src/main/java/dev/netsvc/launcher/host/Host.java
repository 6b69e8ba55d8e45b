package dev.netsvc.launcher.host;

import dev.netsvc.core.ConfigException;
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
import dev.netsvc.launcher.plugins.PluginCatalog;
import dev.netsvc.launcher.plugins.PluginFolderScanner;
import dev.netsvc.launcher.plugins.PluginFolderWatcher;
import dev.netsvc.launcher.plugins.PluginStatus;
import dev.netsvc.launcher.plugins.ServiceDeployment;
import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.supervisor.ServiceStatus;
import dev.netsvc.launcher.supervisor.Supervisor;
import dev.netsvc.launcher.text.Problem;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A running netsvc: the plugins it loaded, the configuration it reads, the supervisor running their
 * services, the admin endpoint and the live plugins folder, alive for the whole run. The control socket
 * and the signals act through it. Orders and the configuration part of a reload are serialised on this
 * object; a deploy from the plugins folder goes through the catalog's lock and then the supervisor's,
 * never through this one. Reading ({@link HostView}) takes no lock.
 */
public final class Host implements HostView, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("netsvc");

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

    /**
     * Validates the configuration for the plugins {@code plugins} loaded ({@link ConfigException} when it
     * does not), nothing started yet.
     *
     * @param scanner the scanner {@code plugins} were loaded through, kept for reloads and the live folder
     */
    public Host(PluginCatalog plugins, PluginFolderScanner scanner, ConfigSources sources, Clock clock) {
        this.plugins = plugins;
        this.scanner = scanner;
        this.sources = sources;
        this.clock = clock;
        this.startedAt = clock.instant();
        Plan plan = sources.plan(plugins.services());
        if (plan.enabled().isEmpty()) {
            throw new ConfigException("enabled", "nothing to run: every service is disabled");
        }
        this.launchPlan = plan;
        this.settings = plan.host();
        this.supervisor = new Supervisor(clock, sources.layout().home(), plan.shutdownGrace());
        this.deployment = new ServiceDeployment(supervisor, sources::plan, plugins::services);
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
        supervisor.startThread();
        admin = startAdmin(settings);
        if (settings.pluginsWatch()) {
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
        return sources.layout().resolve(settings.adminSocket());
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

    /** The status table, for the log (SIGUSR1) and {@code netsvc status}. */
    public String statusDump() {
        return StatusTable.table(services(), clock.instant()) + StatusTable.pluginsLine(this);
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

    /** Stops and starts a service; the restart count starts over. */
    public synchronized void restart(String id) {
        requireKnown(id);
        supervisor.restart(id);
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
     * What a reload did: one line per change (plugins deployed, replaced or removed, services restarted,
     * started or stopped), and why the configuration was refused, if it was.
     */
    public record Reload(List<String> changes, Optional<ConfigException> refused) {
    }

    /**
     * Rescans the plugins folder (jars added, replaced or removed are deployed, swapped or removed as the
     * folder is now, without waiting for them to settle: the operator says they are in place), then
     * re-reads the configuration and applies it: services whose settings changed restart, services whose
     * {@code enabled} changed start or stop, the others are not touched. A configuration that does not
     * validate is refused whole (logged in one line) and the running one stays; the plugins' changes have
     * happened all the same (their files say so).
     */
    public Reload reload() {
        List<PluginStatus> before = plugins.plugins();
        try {
            plugins.apply(scanner.scan(true), deployment);
        } catch (IOException e) {
            log.error("reload: plugins folder {} cannot be read: {}", scanner.dir(), e.getMessage());
        }
        List<String> changes = new ArrayList<>(PluginStatus.changes(before, plugins.plugins()));
        try {
            changes.addAll(reloadConfiguration());
        } catch (ConfigException e) {
            log.error("reload refused, the running configuration stays: {}", e.getMessage());
            return new Reload(changes, Optional.of(e));
        }
        log.info("reloaded: {}", changes.isEmpty() ? "nothing changed" : String.join("; ", changes));
        return new Reload(changes, Optional.empty());
    }

    private synchronized List<String> reloadConfiguration() {
        Plan next = sources.plan(plugins.services());
        List<String> changes = new ArrayList<>();
        supervisor.grace(next.shutdownGrace());
        supervisor.udpPorts(next.udpPorts());
        Set<String> planned = new TreeSet<>();
        for (ServicePlan p : next.services()) {
            planned.add(p.id());
            try {
                String change = applyOne(p);
                if (change != null) {
                    changes.add(p.id() + " " + change);
                }
            } catch (ConfigException e) {
                changes.add(p.id() + " failed: " + e.getMessage());
            }
        }
        List<String> gone = serviceIds().stream().filter(id -> !planned.contains(id)).toList();
        supervisor.remove(gone);
        gone.forEach(id -> changes.add(id + " removed"));
        HostSettings was = settings;
        if (!next.shutdownGrace().equals(was.shutdownGrace())) {
            changes.add("netsvc.shutdown-grace is now " + next.shutdownGrace().toMillis() + " ms");
        }
        if (was.adminDiffers(next.host())) {
            changes.add("admin.* changes take effect at the next 'netsvc run'");
        }
        settings = next.host();
        return changes;
    }

    private String applyOne(ServicePlan p) {
        Optional<ServicePlan> was = supervisor.plan(p.id());
        if (was.isEmpty()) {
            supervisor.add(p);
            return p.enabled() ? "added and started" : "added (disabled)";
        }
        ServicePlan old = was.get();
        supervisor.replan(p);
        if (old.enabled() && !p.enabled()) {
            supervisor.stop(p.id());
            return "stopped (disabled)";
        }
        if (!old.enabled() && p.enabled()) {
            supervisor.start(p.id());
            return "started (enabled)";
        }
        if (p.enabled() && !p.sameRuntime(old) && state(p.id()) != ServiceState.STOPPED) {
            supervisor.restart(p.id());
            return "restarted (settings changed)";
        }
        return old.restart().equals(p.restart()) ? null : "restart policy changed";
    }

    private ServiceState state(String id) {
        return services().stream().filter(s -> s.id().equals(id)).map(ServiceStatus::state).findFirst().orElse(null);
    }

    /** Stops watching the plugins folder, the admin endpoint and every service (within the grace plus a margin). */
    @Override
    public void close() {
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
