package dev.netsvc.launcher.plugins;

import dev.netsvc.core.UsageException;
import dev.netsvc.launcher.config.ServiceInfo;
import dev.netsvc.launcher.text.Problem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one way netsvc loads plugins, for every command: the jars of the plugins folder, checked
 * ({@link PluginJarCheck}), the choice of which jar of each plugin id runs, and one loaded
 * {@link PluginGeneration} (its own PF4J manager) per chosen jar. {@code check}, {@code list},
 * {@code call} and {@code bench} load a folder as it is ({@link #load}); the running host keeps applying
 * what its scanner finds changed ({@link #apply}), and a {@link Deployment} runs the chosen generations'
 * services. Every jar that does not load is reported once, in the same one line whichever command loads it.
 *
 * <p>The choice: the highest {@code Plugin-Version} among the jars of one id that pass the checks and
 * load; among equal versions the one that runs already, else the first by file name. A replacement never
 * leaves a gap: the new generation's services start beside the old ones and take over their listening
 * sockets before the old ones drain. A replacement that cannot be loaded or started is unloaded again
 * and the old generation keeps serving; one whose service dies within the probation gives way to the
 * old generation again ({@link #died}).
 *
 * <p>Changes are serialised on this object (PF4J managers are not thread-safe and a deploy is a sequence
 * of steps); reading the views takes no lock.
 */
public final class PluginCatalog implements AutoCloseable {

    /** How long a replacement is on probation unless told otherwise ({@code netsvc.probation}). */
    static final Duration PROBATION = Duration.ofSeconds(2);

    /** Where a catalog says what it did: problems (one line each) and, for the running host, what it deployed. */
    public interface Report {
        void problem(Problem problem);

        void info(String line);
    }

    /** A jar that passed the checks, and the file it is loaded from. */
    private record Candidate(String jarName, String checksum, Path staged, PluginJarCheck.Descriptor descriptor) {
        String id() {
            return descriptor.id();
        }
    }

    /**
     * A replacement on probation: {@code previous} stays loaded (its services stopped) and the listening
     * sockets of {@code next} stay open, so that if a service of {@code next} dies, {@code previous} can
     * take over again without the port ever closing.
     */
    private record Probation(PluginGeneration previous, PluginGeneration next, Candidate candidate, Instant since,
                             Runnable releaseListeners, Deployment deployment) {
    }

    private final JarStore store;
    private final String systemVersion;
    private final Clock clock;
    private final Report report;
    private List<Problem> failures; // what went wrong during an apply, while one runs
    private final Map<String, Candidate> candidates = new TreeMap<>();
    private final Set<Candidate> failed = new HashSet<>();
    private final Set<String> reportedLosers = new HashSet<>();
    private final Map<String, PluginGeneration> active = new TreeMap<>();
    private final Map<String, Probation> probations = new HashMap<>();
    private final LoaderLeaks leaks;
    private volatile Duration probation = PROBATION;
    private final AtomicLong deploys = new AtomicLong();
    private final AtomicLong failedDeploys = new AtomicLong();
    // ends probations and rolls replacements back: deaths are heard on the supervisor thread, which must not wait
    private final ScheduledExecutorService probationThread = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("plugins-probation").daemon(true).unstarted(r));
    private volatile Map<String, ServiceInfo> servicesView = Map.of();
    private volatile List<PluginGeneration> generationsView = List.of();

    public PluginCatalog(JarStore store, String systemVersion, Clock clock, Report report) {
        this.store = store;
        this.systemVersion = systemVersion;
        this.clock = clock;
        this.report = report;
        this.leaks = new LoaderLeaks(clock);
    }

    /** Loads the plugins of {@code dir} as the folder is now, running nothing ({@code check}, {@code list}, {@code call}). */
    public static PluginCatalog load(Path dir, String systemVersion, Report report) {
        if (!Files.isDirectory(dir)) {
            throw new UsageException("plugins folder " + dir + " does not exist");
        }
        PluginCatalog catalog = new PluginCatalog(JarStore.IN_PLACE, systemVersion, Clock.systemUTC(), report);
        try {
            catalog.apply(new PluginFolderScanner(dir, Duration.ZERO, Clock.systemUTC()).scan(true), Deployment.LOAD_ONLY);
        } catch (IOException e) {
            report.problem(new Problem("plugins folder " + dir, "cannot be read: " + e.getMessage()));
        }
        return catalog;
    }

    /**
     * Takes in what the scanner found changed, then makes the best jar of each plugin id it touched the one
     * that runs, through {@code deployment}. Returns the problems it reported meanwhile (each also went to
     * the report), for a reload to answer with.
     */
    public synchronized List<Problem> apply(List<JarChange> changes, Deployment deployment) {
        failures = new ArrayList<>();
        try {
            applyChanges(changes, deployment);
            return failures;
        } finally {
            failures = null;
        }
    }

    // A jar refused or a deploy that failed: reported, and kept for apply's answer
    private void fail(Problem problem) {
        if (failures != null) {
            failures.add(problem);
        }
        report.problem(problem);
    }

    private void applyChanges(List<JarChange> changes, Deployment deployment) {
        Map<String, String> touched = new LinkedHashMap<>(); // plugin id -> a jar it lost (or null)
        for (JarChange change : changes) {
            switch (change.kind()) {
                case ADDED, REPLACED -> {
                    Candidate fresh = candidate(change);
                    if (fresh == null) {
                        continue; // a rejected new content leaves what runs from this file running
                    }
                    Candidate old = candidates.put(change.name(), fresh);
                    if (old != null) {
                        forget(old);
                        if (!old.id().equals(fresh.id())) {
                            touched.put(old.id(), change.name()); // the file now holds another plugin
                        }
                    }
                    touched.putIfAbsent(fresh.id(), null);
                }
                case REMOVED -> {
                    Candidate old = candidates.remove(change.name());
                    if (old != null) {
                        forget(old);
                    }
                    for (PluginGeneration g : List.copyOf(active.values())) {
                        if (g.jarName().equals(change.name())) {
                            touched.put(g.pluginId(), change.name());
                        }
                    }
                }
            }
        }
        touched.forEach((id, lost) -> settle(id, lost, deployment));
    }

    // null when refused (reported here, once: the scanner reports a jar again only when it changes)
    private Candidate candidate(JarChange change) {
        Path staged;
        try {
            staged = store.stage(change.path(), change.checksum());
        } catch (IOException e) {
            report.info("plugin jar " + change.name() + ": not loaded yet: " + e.getMessage());
            return null;
        }
        try {
            return new Candidate(change.name(), change.checksum(), staged, PluginJarCheck.check(staged, systemVersion));
        } catch (PluginJarCheck.Rejected e) {
            failedDeploys.incrementAndGet();
            fail(new Problem("plugin jar " + change.name(), e.getMessage()));
            store.discard(staged);
            return null;
        }
    }

    /**
     * Makes the best candidate for {@code id} the one that runs, trying the next best when one fails to
     * load or start. {@code lost} names the jar the running generation came from when that file is gone
     * (or holds another plugin now): it must then give way.
     */
    private void settle(String id, String lost, Deployment deployment) {
        for (int attempt = 0; attempt <= candidates.size(); attempt++) { // each failed attempt fails one candidate
            PluginGeneration current = active.get(id);
            boolean currentLost = current != null && current.jarName().equals(lost);
            List<Candidate> mine = ranked(id, currentLost ? null : current);
            if (mine.isEmpty()) {
                if (currentLost) {
                    retire(current, deployment);
                }
                return;
            }
            Candidate winner = mine.get(0);
            if (current != null && !currentLost && current.staged().equals(winner.staged())) {
                reportLosers(id, mine);
                return; // it runs already
            }
            if (deploy(winner, current, currentLost, deployment)) {
                reportLosers(id, mine);
                return;
            }
        }
    }

    // The candidates of 'id' that did not fail, best first: highest version, then the one running, then by name
    private List<Candidate> ranked(String id, PluginGeneration running) {
        Comparator<Candidate> byVersion = (a, b) -> PluginJarCheck.compareVersions(b.descriptor().version(), a.descriptor().version());
        Comparator<Candidate> runningFirst = Comparator.comparing(c -> running == null || !c.staged().equals(running.staged()));
        return candidates.values().stream().filter(c -> c.id().equals(id)).filter(c -> !failed.contains(c))
                .sorted(byVersion.thenComparing(runningFirst).thenComparing(Candidate::jarName))
                .toList();
    }

    // Each jar that does not run because another holds a newer or the same version, once
    private void reportLosers(String id, List<Candidate> ranked) {
        Candidate winner = ranked.get(0);
        for (Candidate loser : ranked.subList(1, ranked.size())) {
            if (reportedLosers.add(loser.jarName() + "@" + loser.checksum() + ">" + winner.jarName() + "@" + winner.checksum())) {
                boolean newer = PluginJarCheck.compareVersions(winner.descriptor().version(), loser.descriptor().version()) > 0;
                report.problem(new Problem("plugin jar " + loser.jarName(), "not loaded: " + winner.jarName() + " holds "
                        + (newer ? "a newer" : "the same") + " version of plugin " + id + " (" + winner.descriptor().version() + ")"));
            }
        }
    }

    /**
     * True when {@code candidate} runs now in place of {@code current} (null: nothing ran). A current
     * whose jar is gone ({@code currentLost}) is unloaded at once; otherwise it stays loaded while its
     * replacement is on probation.
     */
    private boolean deploy(Candidate candidate, PluginGeneration current, boolean currentLost, Deployment deployment) {
        String id = candidate.id();
        endProbation(id); // a replacement on probation is the one replaced now
        PluginGeneration next;
        try {
            next = PluginGeneration.load(candidate.staged(), candidate.jarName(), candidate.descriptor(), systemVersion);
        } catch (PluginJarCheck.Rejected e) {
            refuse(candidate, current, e.getMessage());
            return false;
        }
        Optional<String> clash = clash(next);
        List<Problem> problems = clash.isPresent() ? List.of() : deployment.swap(current, next);
        if (clash.isPresent() || !problems.isEmpty()) {
            unload(next);
            refuse(candidate, current, clash.orElseGet(() -> String.join("; ", problems.stream().map(Problem::toString).toList())));
            return false;
        }
        if (current != null) {
            Runnable release = currentLost ? null : deployment.holdListeners(next);
            if (release != null) { // its services stopped in the swap; it stays loaded while the new version is on probation
                probations.put(id, new Probation(current, next, candidate, clock.instant(), release, deployment));
                scheduleProbationEnd(probation);
            } else {
                unload(current);
            }
            report.info("plugin " + id + ": " + current.version() + " replaced by " + next.version() + " from " + candidate.jarName());
        } else {
            report.info("plugin " + id + " " + next.version() + " loaded from " + candidate.jarName());
        }
        active.put(id, next);
        publish();
        deploys.incrementAndGet();
        return true;
    }

    // A service id another plugin already provides would shadow it: refuse the newcomer
    private Optional<String> clash(PluginGeneration next) {
        for (ServiceInfo service : next.services()) {
            for (PluginGeneration other : active.values()) {
                if (!other.pluginId().equals(next.pluginId())
                        && other.services().stream().anyMatch(s -> s.id().equals(service.id()))) {
                    return Optional.of("its service " + service.id() + " is already provided by plugin " + other.pluginId()
                            + " (" + other.jarName() + ")");
                }
            }
        }
        return Optional.empty();
    }

    private void refuse(Candidate candidate, PluginGeneration current, String cause) {
        failed.add(candidate);
        failedDeploys.incrementAndGet();
        fail(new Problem("plugin jar " + candidate.jarName(), cause
                + (current == null ? "" : "; " + current.version() + " from " + current.jarName() + " keeps serving")));
    }

    private void retire(PluginGeneration generation, Deployment deployment) {
        endProbation(generation.pluginId());
        deployment.retire(generation);
        unload(generation);
        active.remove(generation.pluginId());
        publish();
        report.info("plugin " + generation.pluginId() + " " + generation.version() + " removed");
    }

    private void unload(PluginGeneration generation) {
        var loader = generation.loader();
        generation.unload();
        leaks.unloaded(generation.pluginId() + " " + generation.version(), loader);
        if (candidates.values().stream().noneMatch(c -> c.staged().equals(generation.staged()))) {
            store.discard(generation.staged());
        }
    }

    private void forget(Candidate candidate) {
        failed.remove(candidate);
        if (active.values().stream().noneMatch(g -> g.staged().equals(candidate.staged()))) {
            store.discard(candidate.staged());
        }
    }

    private void publish() {
        Map<String, ServiceInfo> all = new LinkedHashMap<>();
        active.values().forEach(g -> g.services().forEach(s -> all.put(s.id(), s)));
        servicesView = Collections.unmodifiableMap(all);
        generationsView = List.copyOf(active.values());
    }

    // ---- views, without the lock ------------------------------------------------------------------

    /** Every service of every plugin that runs, by service id. */
    public Map<String, ServiceInfo> services() {
        return servicesView;
    }

    /** Every loaded generation, by plugin id. */
    public List<PluginGeneration> generations() {
        return generationsView;
    }

    /** Every plugin that runs, by id. */
    public List<PluginStatus> plugins() {
        return generationsView.stream().map(g -> new PluginStatus(g.pluginId(), g.version(), g.jarName())).toList();
    }

    /** Plugins loaded or replaced (a metric). */
    public long deploys() {
        return deploys.get();
    }

    /** Jars refused, and replacements that failed to load or start (a metric). */
    public long failedDeploys() {
        return failedDeploys.get();
    }

    /** Unloaded plugins whose class loader was not collected a minute after the unload (a leak). */
    public int uncollectedClassLoaders() {
        return leaks.uncollected();
    }

    /** Unloaded plugins whose class loader was not collected yet, however recent the unload. */
    public int classLoadersAwaitingCollection() {
        return leaks.awaitingCollection();
    }

    /** Which plugins (id and version) those are. */
    public List<String> classLoadersAwaitingCollectionOf() {
        return leaks.awaitingNames();
    }

    // ---- probation --------------------------------------------------------------------------------

    private void scheduleProbationEnd(Duration after) {
        try {
            probationThread.schedule(this::endDueProbations, after.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing: close() ends every probation
        }
    }

    /**
     * How long a replacement is on probation from now on: if one of its services dies by then, the old
     * version comes back ({@code netsvc.probation}).
     */
    public void probation(Duration probation) {
        this.probation = probation;
    }

    /** Ends the probations that lasted the probation on the clock: the versions they replaced go for good. */
    synchronized void endDueProbations() {
        Instant due = clock.instant().minus(probation);
        for (Probation p : List.copyOf(probations.values())) {
            if (!p.since().isAfter(due)) {
                endProbation(p.next().pluginId());
            }
        }
        if (!probations.isEmpty()) {
            scheduleProbationEnd(Duration.ofSeconds(1)); // the clock is behind the timer: look again
        }
    }

    /** Whether plugin {@code id} runs a replacement still on probation. */
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
     * A running service died (a {@link dev.netsvc.launcher.supervisor.DeathListener}, called on the
     * supervisor thread: hands over, never waits). If it belongs to a replacement on probation, the
     * replaced version is brought back.
     */
    public void died(ServiceInfo service, String cause) {
        try {
            probationThread.execute(() -> rollBack(service, cause));
        } catch (RejectedExecutionException e) {
            // closing: nothing to roll back to
        }
    }

    private synchronized void rollBack(ServiceInfo service, String cause) {
        Probation p = probations.values().stream()
                .filter(x -> x.next().services().stream().anyMatch(s -> s == service)).findFirst().orElse(null);
        if (p == null || !clock.instant().isBefore(p.since().plus(probation))) {
            return; // not on probation (any more): the supervisor restarts it as any other service
        }
        String id = p.next().pluginId();
        probations.remove(id);
        long seconds = Duration.between(p.since(), clock.instant()).toSeconds();
        List<Problem> problems = p.deployment().swap(p.next(), p.previous());
        p.releaseListeners().run();
        failed.add(p.candidate());
        failedDeploys.incrementAndGet();
        String subject = "plugin jar " + p.next().jarName();
        String died = p.next().version() + " died " + seconds + " s after replacing " + p.previous().version() + " ("
                + service.id() + ": " + cause + ")";
        if (!problems.isEmpty()) {
            unload(p.previous());
            report.problem(new Problem(subject, died + ", and " + p.previous().version() + " could not start again: "
                    + String.join("; ", problems.stream().map(Problem::toString).toList())));
            return;
        }
        unload(p.next());
        active.put(id, p.previous());
        publish();
        report.problem(new Problem(subject, died + "; " + p.previous().version() + " from " + p.previous().jarName()
                + " serves again"));
    }

    /** Unloads every plugin (their services have stopped: the host stops them itself, in parallel). */
    @Override
    public synchronized void close() {
        probationThread.shutdownNow();
        for (String id : List.copyOf(probations.keySet())) {
            endProbation(id);
        }
        for (PluginGeneration generation : new ArrayList<>(active.values()).reversed()) {
            unload(generation);
        }
        active.clear();
        publish();
    }
}
