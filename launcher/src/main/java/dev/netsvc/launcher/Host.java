package dev.netsvc.launcher;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.Netsvc;
import dev.netsvc.core.internal.FileDescriptors;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketErrors;
import dev.netsvc.launcher.admin.AdminServer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A running netsvc: the plugin host, the configuration it was started with and the supervisor, alive
 * for the whole run. The control socket, the signals, the admin endpoint and the plugins watcher all
 * act through it. Operations that change something ({@link #start}, {@link #stop}, {@link #restart},
 * {@link #reload}, {@link #removePlugin}, {@link #applyPlugins}) are serialised on this object, which is
 * also the lock to hold around any call to the plugin host (PF4J is not thread-safe); reading
 * ({@link HostView}) takes no lock.
 */
public final class Host implements HostView, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("netsvc");

    /**
     * What the launch found: how many enabled services run, why the others do not, and how long each
     * service's start took (nanoseconds; the starts ran at the same time).
     */
    record Launch(int enabled, int running, List<Problem> notRunning, Map<String, Long> startNanos) {
        Launch(int enabled, int running, List<Problem> notRunning) {
            this(enabled, running, notRunning, Map.of());
        }

        /** {@code http 120.4 ms, echo-async 35.0 ms, ...}, the longest first. */
        String startTimes() {
            return String.join(", ", startNanos.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .map(e -> e.getKey() + " " + String.format(java.util.Locale.ROOT, "%.1f", e.getValue() / 1e6) + " ms")
                    .toList());
        }

        /** {@code netsvc ready: 6 of 7 services running; http: backoff (port 8080 ... in use)}. */
        String readyLine() {
            StringBuilder line = new StringBuilder("netsvc ready: ").append(running).append(" of ").append(enabled)
                    .append(enabled == 1 ? " service running" : " services running");
            for (Problem p : notRunning) {
                line.append("; ").append(p.subject()).append(": ").append(p.cause());
            }
            return line.toString();
        }

        /**
         * A state and its reason as the ready line shows them: {@code backoff (port 8080 on 127.0.0.1 is
         * already in use)}. The log line just above has the whole explanation and its hint.
         */
        static String brief(ServiceState state, String reason) {
            String cause = reason.replaceFirst(" \\((tcp|udp|tcp\\+udp)\\)$", "").replace(" by another process", "");
            return cause.isEmpty() ? state.label() : state.label() + " (" + cause + ")";
        }
    }

    private final PluginCatalog plugins;
    private final RunOptions options;
    private final Clock clock;
    private final Instant startedAt;
    private volatile Configuration.Plan plan;
    private volatile AdminServer admin;
    private volatile Supervisor supervisor; // set once by launch(); read without the lock by status
    private volatile LivePlugins live;
    private volatile PluginRescan rescan = () -> { };

    /** Looks at the plugins folder now, for {@link #reload}: the running host's scanner, set by {@code run}. */
    interface PluginRescan {
        void rescan() throws IOException;
    }

    Host(PluginCatalog plugins, RunOptions options, Clock clock) {
        this.plugins = plugins;
        this.options = options;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    /** Reads and validates the configuration (once; {@link #reload} reads it again). */
    synchronized Configuration.Plan plan() {
        if (plan == null) {
            Configuration.Plan p = options.configuration(plugins.services()).plan();
            if (p.enabled().isEmpty()) {
                throw new ConfigException("enabled", "nothing to run: every service is disabled");
            }
            plan = p;
        }
        return plan;
    }

    /**
     * Validates the configuration and starts every enabled service; those that cannot start go to
     * backoff. A configuration error (also one a service finds when it starts) stops what started and
     * propagates as {@link ConfigException}.
     */
    synchronized Launch launch() {
        plan();
        supervisor = new Supervisor(clock, options.home(), plan.shutdownGrace());
        supervisor.deathWatch((service, cause) -> {
            LivePlugins l = live;
            if (l != null) {
                l.died(service, cause);
            }
        });
        supervisor.udpPorts(plan.udpPorts());
        warnIfShortOfFileDescriptors(plan);
        Map<String, Long> startNanos;
        try {
            startNanos = supervisor.addAll(plan.services());
        } catch (ConfigException e) {
            supervisor.stopAll();
            throw e;
        }
        int running = 0;
        List<Problem> notRunning = new ArrayList<>();
        for (SupervisedService s : supervisor.services()) {
            if (!s.plan().enabled()) {
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

    /** At start: do the enabled services' max-connections fit in what the process may open? */
    private static void warnIfShortOfFileDescriptors(Configuration.Plan plan) {
        FileDescriptors.limit().ifPresent(limit ->
                FileDescriptors.checkBudget(plan.maxConnections(), limit).ifPresent(log::warn));
    }

    /** Starts the supervisor thread: deaths are heard and backoffs end from now on. */
    void supervise() {
        supervisor.startThread();
        admin = startAdmin(plan.host(), this);
    }

    /**
     * The admin endpoint, if enabled. A port it cannot bind is one error line and the services run on:
     * a taken monitoring port must not take the services down (a scraper sees the endpoint missing).
     */
    private static AdminServer startAdmin(Configuration.HostSettings settings, HostView view) {
        if (!settings.adminEnabled()) {
            return null;
        }
        InetSocketAddress address = new InetSocketAddress(settings.adminBind(), settings.adminPort());
        try {
            AdminServer server = AdminServer.start(view, address);
            log.info("admin listening on http://{}/", HostPort.format(server.address()));
            return server;
        } catch (IOException e) {
            log.error("admin endpoint failed to start: {}; the services run without it (change admin.port, or set"
                    + " admin.enabled=false)", SocketErrors.explain(e, "tcp " + HostPort.format(address)).message());
            return null;
        }
    }

    /** The live plugins folder, when the host runs one: its plugins and deploy counts for status and metrics. */
    void livePlugins(LivePlugins live) {
        this.live = live;
    }

    /** Every plugin running now (id, version, jar); empty without a live plugins folder. */
    @Override
    public List<PluginStatus> plugins() {
        LivePlugins l = live;
        return l == null ? List.of() : l.plugins();
    }

    /** Plugins deployed or replaced since the host started (netsvc_plugin_deploys_total). */
    @Override
    public long pluginDeploys() {
        LivePlugins l = live;
        return l == null ? 0 : l.deploys();
    }

    /** Jars refused and replacements that failed (netsvc_plugin_deploy_failures_total). */
    @Override
    public long pluginDeployFailures() {
        LivePlugins l = live;
        return l == null ? 0 : l.failedDeploys();
    }

    /** Unloaded plugins whose class loader was not collected within a minute (netsvc_plugin_class_loaders_uncollected). */
    @Override
    public int uncollectedPluginClassLoaders() {
        LivePlugins l = live;
        return l == null ? 0 : l.uncollectedClassLoaders();
    }

    @Override
    public int pluginClassLoadersAwaitingCollection() {
        LivePlugins l = live;
        return l == null ? 0 : l.awaitingCollection();
    }

    /** The host's settings as the last successful launch or reload left them. */
    Configuration.HostSettings settings() {
        return plan.host();
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
        Supervisor s = supervisor;
        return s == null ? List.of() : s.statuses();
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

    private void requireLaunched() {
        if (supervisor == null) {
            throw new IllegalStateException("netsvc is still starting; try again in a moment");
        }
    }

    private void requireKnown(String id) {
        requireLaunched();
        if (supervisor.service(id) == null) {
            throw new UnknownServiceException(id, serviceIds());
        }
    }

    /** An id the host does not know: a usage error naming the ids it does know. */
    public static final class UnknownServiceException extends IllegalArgumentException {
        UnknownServiceException(String id, Set<String> known) {
            super("no service is called '" + id + "'" + Suggest.hint(id, known) + " Services: " + String.join(", ", known));
        }
    }

    /** From now on {@link #reload} rescans the plugins folder through {@code rescan} first. */
    void pluginRescan(PluginRescan rescan) {
        this.rescan = rescan;
    }

    /**
     * What a reload did: one line per change (plugins deployed, replaced or removed, services restarted,
     * started or stopped), and why the configuration was refused, if it was.
     */
    public record Reload(List<String> changes, Optional<ConfigException> refused) {
    }

    /**
     * Rescans the plugins folder (jars added, replaced or removed are deployed, swapped or removed as
     * the folder is now, without waiting for them to settle: the operator says they are in place), then
     * re-reads the configuration and applies it: services whose settings changed restart, services whose
     * {@code enabled} changed start or stop, the others are not touched. A configuration that does not
     * validate is refused whole (logged in one line) and the running one stays; the plugins' changes have
     * happened all the same (their files say so).
     *
     * <p>Not synchronised on the host: the scan deploys through the plugins watcher's locks, which take
     * the host's lock after their own (a deploy holds the scanner and waits for the host), so taking the
     * host's lock first here would deadlock with the watcher thread.
     */
    public Reload reload() {
        requireLaunched();
        List<PluginStatus> before = plugins();
        try {
            rescan.rescan();
        } catch (IOException e) {
            log.error("reload: plugins folder {} cannot be read: {}", options.pluginsDir(), e.getMessage());
        }
        List<String> changes = new ArrayList<>(PluginStatus.changes(before, plugins()));
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
        return apply(options.configuration(plugins.services()).plan());
    }

    /**
     * Brings the supervised services in line with the plugins the plugin host has now (for the plugins
     * watcher, after it loaded a plugin): new services are planned with the current configuration files
     * and started if enabled. Throws {@link ConfigException} like {@link #reload}.
     */
    public synchronized List<String> applyPlugins() {
        requireLaunched();
        return apply(options.configuration(plugins.services()).plan());
    }

    /**
     * Stops (within the grace) and forgets every service of {@code pluginId}, for the plugins watcher,
     * before it unloads the plugin. Returns the service ids.
     */
    public synchronized List<String> removePlugin(String pluginId) {
        requireLaunched();
        return supervisor.removePlugin(pluginId);
    }

    /**
     * For the live plugins folder: runs the services of a newly loaded plugin version in place of those
     * of the running version ({@code current}, empty for a new plugin). Each new service is started beside
     * the old one of the same id and takes over its listening sockets; only when every enabled one runs
     * are they supervised and the old ones stopped (draining within the grace). Otherwise the new ones are
     * stopped again, the old ones keep serving, and the causes are returned.
     *
     * @param current  the running version's services
     * @param incoming the new version's services
     */
    public synchronized List<Problem> deployPlugin(List<ServiceInfo> current, List<ServiceInfo> incoming) {
        Map<String, ServiceInfo> all = new java.util.LinkedHashMap<>(plugins.services());
        current.forEach(s -> all.remove(s.id(), s));
        incoming.forEach(s -> all.put(s.id(), s));
        Configuration.Plan next;
        try {
            next = options.configuration(all).plan();
        } catch (ConfigException e) {
            return List.of(new Problem("configuration", e.getMessage()));
        }
        List<SupervisedService> fresh = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (ServiceInfo service : incoming) {
            Configuration.ServicePlan p = next.services().stream().filter(x -> x.service() == service).findFirst().orElseThrow();
            try {
                SupervisedService s = supervisor.prepare(p);
                fresh.add(s);
                if (p.enabled() && s.state() != ServiceState.RUNNING) {
                    problems.add(new Problem(s.id(), s.reason()));
                    break;
                }
            } catch (ConfigException e) {
                problems.add(new Problem(service.id(), e.getMessage()));
                break;
            }
        }
        if (!problems.isEmpty()) {
            supervisor.abandon(fresh);
            return problems;
        }
        Set<String> kept = new TreeSet<>();
        incoming.forEach(s -> kept.add(s.id()));
        supervisor.commit(fresh, current.stream().map(ServiceInfo::id).filter(id -> !kept.contains(id)).toList());
        plan = next;
        return List.of();
    }

    /** For the live plugins folder: see {@link Supervisor#holdListeners}. */
    Runnable holdListeners(List<ServiceInfo> services) {
        requireLaunched();
        return supervisor.holdListeners(services.stream().map(ServiceInfo::id).toList());
    }

    /** For the live plugins folder: stops (within the grace) and forgets these services of a removed plugin. */
    public synchronized void removeServices(List<ServiceInfo> services) {
        for (ServiceInfo service : services) {
            SupervisedService s = supervisor.service(service.id());
            if (s != null && s.plan().service() == service) {
                supervisor.remove(service.id());
            }
        }
        // the plan must not keep the removed plugin's objects: its class loader could not be collected
        plan = new Configuration.Plan(plan.services().stream().filter(p -> !services.contains(p.service())).toList(),
                plan.host());
    }

    private List<String> apply(Configuration.Plan next) {
        List<String> changes = new ArrayList<>();
        supervisor.grace(next.shutdownGrace());
        supervisor.udpPorts(next.udpPorts());
        Set<String> planned = new TreeSet<>();
        for (Configuration.ServicePlan p : next.services()) {
            String id = p.service().id();
            planned.add(id);
            try {
                String change = applyOne(p);
                if (change != null) {
                    changes.add(id + " " + change);
                }
            } catch (ConfigException e) {
                changes.add(id + " failed: " + e.getMessage());
            }
        }
        for (String id : serviceIds()) {
            if (!planned.contains(id)) {
                supervisor.remove(id);
                changes.add(id + " removed");
            }
        }
        if (!next.shutdownGrace().equals(plan.shutdownGrace())) {
            changes.add("netsvc.shutdown-grace is now " + next.shutdownGrace().toMillis() + " ms");
        }
        if (adminChanged(plan.host(), next.host())) {
            changes.add("admin.* changes take effect at the next 'netsvc run'");
        }
        plan = next;
        return changes;
    }

    private String applyOne(Configuration.ServicePlan p) {
        SupervisedService s = supervisor.service(p.service().id());
        if (s == null) {
            supervisor.add(p);
            return p.enabled() ? "added and started" : "added (disabled)";
        }
        Configuration.ServicePlan old = s.plan();
        String id = p.service().id();
        supervisor.replan(id, p);
        if (old.enabled() && !p.enabled()) {
            supervisor.stop(id);
            return "stopped (disabled)";
        }
        if (!old.enabled() && p.enabled()) {
            supervisor.start(id);
            return "started (enabled)";
        }
        if (p.enabled() && !p.sameRuntime(old) && s.state() != ServiceState.STOPPED) {
            supervisor.restart(id);
            return "restarted (settings changed)";
        }
        return old.restart().equals(p.restart()) ? null : "restart policy changed";
    }

    private static boolean adminChanged(Configuration.HostSettings a, Configuration.HostSettings b) {
        return a.adminEnabled() != b.adminEnabled() || !a.adminBind().equals(b.adminBind())
                || a.adminPort() != b.adminPort() || !a.adminSocket().equals(b.adminSocket());
    }

    /** The status table, for the log (SIGUSR1) and {@code netsvc status}. */
    public String statusDump() {
        return StatusTable.table(services(), clock.instant()) + StatusTable.pluginsLine(this);
    }

    /** Stops every service within the grace plus a margin; the plugin host is the caller's to close. */
    @Override
    public void close() {
        AdminServer endpoint = admin;
        if (endpoint != null) {
            endpoint.close();
        }
        Supervisor s;
        synchronized (this) {
            s = supervisor;
        }
        if (s != null) {
            s.stopAll();
        }
    }
}
