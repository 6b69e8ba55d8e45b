package dev.netsvc.launcher;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The plugins folder, live: turns the folder scanner's jar events into plugin deploys, replacements and
 * removals. For each plugin id the highest valid version among the settled jars is the one that runs.
 *
 * <p>A replacement never leaves a gap: the new generation is loaded in its own plugin manager and its
 * services started (taking over the old services' listening sockets through {@link SharedListeners})
 * while the old generation still serves; only then are the old services stopped (they drain within the
 * grace) and the old plugin unloaded. A replacement that cannot be validated, loaded or started is
 * unloaded again and the old generation keeps serving. Every rejection is reported once, in one line;
 * the scanner reports a jar again only when its content changes.
 *
 * <p>Calls are serialised (PF4J managers are not thread-safe and a deploy is a sequence of steps).
 */
final class LivePlugins implements PluginFolderScanner.Listener, PluginCatalog, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("netsvc");
    /** How long an unloaded plugin's class loader may stay uncollected before it counts as a leak. */
    static final Duration LEAK_AFTER = Duration.ofMinutes(1);
    /** How long a replacement is on probation: if one of its services dies by then, the old version comes back. */
    static final Duration PROBATION = Duration.ofSeconds(5);

    /** A settled, valid jar in plugins/ and its staged copy. */
    private record Candidate(String jarName, String checksum, Path staged, PluginJarRules.Descriptor descriptor, long order) {
    }

    private record Unloaded(String plugin, WeakReference<ClassLoader> loader, Instant at) {
    }

    /**
     * A replacement on probation: {@code previous} stays loaded (its services stopped) and the listening
     * sockets of {@code next} stay open, so that if a service of {@code next} dies, {@code previous}
     * can take over again without the port ever closing.
     */
    private record Probation(PluginGeneration previous, PluginGeneration next, Candidate candidate, Instant since,
                             Runnable releaseListeners) {
    }

    private final PluginStaging staging;
    private final String systemVersion;
    private final Clock clock;
    private PluginServices services;
    private final Map<String, Candidate> candidates = new LinkedHashMap<>();
    private final Set<Candidate> failed = new HashSet<>();
    private final Set<String> reportedIgnored = new HashSet<>();
    private final Map<String, PluginGeneration> active = new TreeMap<>();
    // what readers see without the lock (the host reads services while a deploy holds this lock and waits for the host's)
    private volatile Map<String, ServiceInfo> servicesView = Map.of();
    private volatile List<PluginStatus> pluginsView = List.of();
    private final List<Unloaded> unloaded = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicLong deploys = new AtomicLong();
    private final AtomicLong failedDeploys = new AtomicLong();
    private final Map<String, Probation> probations = new java.util.HashMap<>();
    // ends probations and rolls back replacements whose services died: deaths are heard on the supervisor
    // thread, which must not wait for this object's lock
    private final java.util.concurrent.ScheduledExecutorService probationThread =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    r -> Thread.ofPlatform().name("plugins-probation").daemon(true).unstarted(r));
    private long order;

    /**
     * @param services null while the host is starting: plugins are then only loaded (the host starts
     *                 their services at launch) until {@link #attach} is called
     */
    LivePlugins(PluginStaging staging, String systemVersion, Clock clock, PluginServices services) {
        this.staging = staging;
        this.systemVersion = systemVersion;
        this.clock = clock;
        this.services = services;
    }

    /** From now on deploys, replacements and removals start and stop services through {@code services}. */
    synchronized void attach(PluginServices services) {
        this.services = services;
    }

    @Override
    public synchronized void added(PluginFolderScanner.SettledJar jar) {
        Candidate fresh = candidate(jar);
        if (fresh != null) {
            candidates.put(jar.name(), fresh);
            settle(fresh.descriptor().id(), null);
        }
    }

    /** A rejected new content leaves what runs from this file running (the old version keeps serving). */
    @Override
    public synchronized void replaced(PluginFolderScanner.SettledJar jar) {
        Candidate fresh = candidate(jar);
        if (fresh == null) {
            return;
        }
        Candidate old = candidates.put(jar.name(), fresh);
        if (old != null) {
            forget(old);
            if (!old.descriptor().id().equals(fresh.descriptor().id())) {
                settle(old.descriptor().id(), jar.name()); // the file now holds another plugin
            }
        }
        settle(fresh.descriptor().id(), null);
    }

    @Override
    public synchronized void removed(String name) {
        Candidate old = candidates.remove(name);
        if (old != null) {
            forget(old);
        }
        for (PluginGeneration generation : new ArrayList<>(active.values())) {
            if (generation.jarName().equals(name)) {
                settle(generation.pluginId(), name);
            }
        }
    }

    // null when refused (reported here, once: the scanner reports a jar again only when it changes)
    private Candidate candidate(PluginFolderScanner.SettledJar jar) {
        Path staged;
        try {
            staged = staging.stage(jar.path(), jar.checksum());
        } catch (IOException e) {
            log.info("plugin jar {}: not loaded yet: {}", jar.name(), e.getMessage());
            return null;
        }
        try {
            return new Candidate(jar.name(), jar.checksum(), staged, PluginJarRules.check(staged, systemVersion), ++order);
        } catch (PluginJarRules.Rejected e) {
            failedDeploys.incrementAndGet();
            log.warn("plugin jar {}: {}", jar.name(), e.getMessage());
            staging.discard(staged);
            return null;
        }
    }

    /**
     * Makes the best candidate for {@code id} the one that runs. {@code lost} names the jar the running
     * generation came from when that file is gone (or holds another plugin now): it must then give way.
     */
    private void settle(String id, String lost) {
        List<Candidate> mine = candidates.values().stream().filter(c -> c.descriptor().id().equals(id))
                .filter(c -> !failed.contains(c))
                .sorted(Comparator.<Candidate, String>comparing(c -> c.descriptor().version(), PluginJarRules::compareVersions)
                        .thenComparingLong(Candidate::order).reversed())
                .toList();
        PluginGeneration current = active.get(id);
        boolean currentLost = current != null && current.jarName().equals(lost);
        if (mine.isEmpty()) {
            if (currentLost) {
                retire(current);
                active.remove(id);
                publish();
                log.info("plugin {} {} removed", id, current.version());
            }
            return;
        }
        Candidate winner = mine.get(0);
        for (Candidate loser : mine.subList(1, mine.size())) {
            if (reportedIgnored.add(loser.jarName() + "@" + loser.checksum() + ">" + winner.jarName())) {
                log.warn("plugin {}: ignoring {}, {} is newer", id, loser.jarName(), winner.jarName());
            }
        }
        boolean better = current == null || currentLost || current.jarName().equals(winner.jarName())
                || PluginJarRules.compareVersions(winner.descriptor().version(), current.version()) > 0;
        if (better && (current == null || !current.staged().equals(winner.staged()))) {
            deploy(winner, current);
            if (currentLost && active.get(id) == current) { // its file is gone and nothing could take over
                retire(current);
                active.remove(id);
                publish();
                log.info("plugin {} {} removed", id, current.version());
            }
        }
    }

    private void deploy(Candidate candidate, PluginGeneration current) {
        String id = candidate.descriptor().id();
        endProbation(id); // a replacement on probation is the one replaced now
        PluginGeneration next;
        try {
            next = PluginGeneration.load(candidate.staged(), candidate.jarName(), candidate.descriptor(), systemVersion);
        } catch (PluginJarRules.Rejected e) {
            refuse(candidate, current, e.getMessage());
            return;
        }
        Optional<String> clash = clash(next);
        if (clash.isPresent()) {
            unload(next);
            refuse(candidate, current, clash.get());
            return;
        }
        if (services != null) {
            List<Problem> problems = services.swap(current, next);
            if (!problems.isEmpty()) {
                unload(next);
                refuse(candidate, current, String.join("; ", problems.stream().map(Problem::toString).toList()));
                return;
            }
        }
        if (current != null) {
            if (services != null) {
                // its services stopped in the swap; it stays loaded while the new version is on probation
                probations.put(id, new Probation(current, next, candidate, clock.instant(), services.holdListeners(next)));
                scheduleProbationEnd(PROBATION);
            } else {
                unload(current);
            }
            log.info("plugin {}: {} replaced by {} from {}", id, current.version(), next.version(), candidate.jarName());
        } else {
            log.info("plugin {} {} loaded from {}", id, next.version(), candidate.jarName());
        }
        active.put(id, next);
        publish();
        deploys.incrementAndGet();
    }

    // A service id another plugin already provides would shadow it: refuse the newcomer
    private Optional<String> clash(PluginGeneration next) {
        for (ServiceInfo service : next.services()) {
            for (PluginGeneration other : active.values()) {
                if (!other.pluginId().equals(next.pluginId())
                        && other.services().stream().anyMatch(s -> s.id().equals(service.id()))) {
                    return Optional.of("service " + service.id() + " is already provided by plugin " + other.pluginId());
                }
            }
        }
        return Optional.empty();
    }

    private void refuse(Candidate candidate, PluginGeneration current, String cause) {
        failed.add(candidate);
        failedDeploys.incrementAndGet();
        String id = candidate.descriptor().id();
        log.warn("plugin {}: {} not deployed: {}{}", id, candidate.jarName(), cause,
                current == null ? "" : "; " + current.version() + " from " + current.jarName() + " keeps serving");
    }

    private void retire(PluginGeneration generation) {
        endProbation(generation.pluginId());
        if (services != null) {
            services.stop(generation);
        }
        unload(generation);
    }

    private void unload(PluginGeneration generation) {
        WeakReference<ClassLoader> loader = generation.loader();
        generation.unload();
        unloaded.add(new Unloaded(generation.pluginId(), loader, clock.instant()));
        if (candidates.values().stream().noneMatch(c -> c.staged().equals(generation.staged()))) {
            staging.discard(generation.staged());
        }
    }

    private void forget(Candidate candidate) {
        failed.remove(candidate);
        boolean running = active.values().stream().anyMatch(g -> g.staged().equals(candidate.staged()));
        if (!running) {
            staging.discard(candidate.staged());
        }
    }

    private void publish() {
        Map<String, ServiceInfo> all = new LinkedHashMap<>();
        active.values().forEach(g -> g.services().forEach(s -> all.put(s.id(), s)));
        servicesView = java.util.Collections.unmodifiableMap(all);
        pluginsView = active.values().stream().map(g -> new PluginStatus(g.pluginId(), g.version(), g.jarName())).toList();
    }

    /** Every running plugin, by id; no lock. */
    List<PluginStatus> plugins() {
        return pluginsView;
    }

    /** Every service of every running plugin, by service id; no lock. */
    @Override
    public Map<String, ServiceInfo> services() {
        return servicesView;
    }

    synchronized Optional<PluginGeneration> generation(String pluginId) {
        return Optional.ofNullable(active.get(pluginId));
    }

    /** Plugins loaded or replaced since the host started (a metric). */
    long deploys() {
        return deploys.get();
    }

    /** Jars refused or replacements that failed to load or start (a metric). */
    long failedDeploys() {
        return failedDeploys.get();
    }

    /**
     * Unloaded plugins whose class loader has not been collected a minute after unload: something still
     * references the plugin (a thread, a static, a cached instance), so its classes stay in memory.
     */
    int uncollectedClassLoaders() {
        unloaded.removeIf(u -> u.loader().get() == null);
        Instant cutoff = clock.instant().minus(LEAK_AFTER);
        return (int) unloaded.stream().filter(u -> !u.at().isAfter(cutoff)).count();
    }

    private void scheduleProbationEnd(Duration after) {
        try {
            probationThread.schedule(this::endDueProbations, after.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: close() ends every probation
        }
    }

    /** Ends the probations that lasted {@link #PROBATION} on the clock: the versions they replaced go for good. */
    synchronized void endDueProbations() {
        Instant due = clock.instant().minus(PROBATION);
        for (Probation p : List.copyOf(probations.values())) {
            if (!p.since().isAfter(due)) {
                endProbation(p.next().pluginId());
            }
        }
        if (!probations.isEmpty()) {
            scheduleProbationEnd(Duration.ofSeconds(1)); // the clock is behind the timer: look again
        }
    }

    /** Whether plugin {@code id} runs a replacement still on probation (tests). */
    synchronized boolean onProbation(String id) {
        return probations.containsKey(id);
    }

    private void endProbation(String id) {
        Probation p = probations.remove(id);
        if (p != null) {
            p.releaseListeners().run();
            unload(p.previous());
        }
    }

    /**
     * A running service died (called on the supervisor thread: hands over, never waits). If it belongs
     * to a replacement on probation, the replaced version is brought back.
     */
    void died(ServiceInfo service, String cause) {
        try {
            probationThread.execute(() -> rollBack(service, cause));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: nothing to roll back to
        }
    }

    private synchronized void rollBack(ServiceInfo service, String cause) {
        Probation p = probations.values().stream()
                .filter(x -> x.next().services().stream().anyMatch(s -> s == service)).findFirst().orElse(null);
        if (p == null || services == null || !clock.instant().isBefore(p.since().plus(PROBATION))) {
            return; // not on probation (any more): the supervisor restarts it as any other service
        }
        String id = p.next().pluginId();
        probations.remove(id);
        long seconds = Duration.between(p.since(), clock.instant()).toSeconds();
        List<Problem> problems = services.swap(p.next(), p.previous());
        p.releaseListeners().run();
        failed.add(p.candidate());
        failedDeploys.incrementAndGet();
        if (!problems.isEmpty()) {
            unload(p.previous());
            log.error("plugin {}: {} from {} died {} s after replacing {} ({}: {}), and {} could not start again: {}", id,
                    p.next().version(), p.next().jarName(), seconds, p.previous().version(), service.id(), cause,
                    p.previous().version(), String.join("; ", problems.stream().map(Problem::toString).toList()));
            return;
        }
        unload(p.next());
        active.put(id, p.previous());
        publish();
        log.warn("plugin {}: {} from {} died {} s after replacing {} ({}: {}); {} from {} serves again", id,
                p.next().version(), p.next().jarName(), seconds, p.previous().version(), service.id(), cause,
                p.previous().version(), p.previous().jarName());
    }

    /** Unloaded plugins whose class loader has not been collected yet, however recent the unload. */
    int awaitingCollection() {
        unloaded.removeIf(u -> u.loader().get() == null);
        return unloaded.size();
    }

    /** Stops every plugin's services and unloads it (the host is shutting down). */
    @Override
    public synchronized void close() {
        probationThread.shutdownNow();
        for (String id : List.copyOf(probations.keySet())) {
            endProbation(id);
        }
        for (PluginGeneration generation : new ArrayList<>(active.values()).reversed()) {
            retire(generation);
        }
        active.clear();
        publish();
    }
}
