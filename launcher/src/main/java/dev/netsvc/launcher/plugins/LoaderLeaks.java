package dev.netsvc.launcher.plugins;

import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The class loaders of unloaded plugins, held weakly until they are collected: one still there a minute
 * after its unload means something (a thread, a static, a cached instance) keeps the plugin's classes in
 * memory. Thread-safe.
 */
final class LoaderLeaks {

    /** How long an unloaded plugin's class loader may stay uncollected before it counts as a leak. */
    static final Duration LEAK_AFTER = Duration.ofMinutes(1);

    private record Unloaded(String plugin, WeakReference<ClassLoader> loader, Instant at) {
    }

    private final Clock clock;
    private final List<Unloaded> unloaded = new CopyOnWriteArrayList<>();

    LoaderLeaks(Clock clock) {
        this.clock = clock;
    }

    /** {@code plugin}'s generation whose class loader is {@code loader} was unloaded now. */
    void unloaded(String plugin, WeakReference<ClassLoader> loader) {
        unloaded.add(new Unloaded(plugin, loader, clock.instant()));
    }

    /** The plugins (id and version) whose unloaded class loader is still there, however recent the unload. */
    List<String> awaitingNames() {
        unloaded.removeIf(u -> u.loader().get() == null);
        return unloaded.stream().map(Unloaded::plugin).toList();
    }

    /** Unloaded plugins whose class loader has not been collected a minute after the unload. */
    int uncollected() {
        unloaded.removeIf(u -> u.loader().get() == null);
        Instant cutoff = clock.instant().minus(LEAK_AFTER);
        return (int) unloaded.stream().filter(u -> !u.at().isAfter(cutoff)).count();
    }

    /** Unloaded plugins whose class loader has not been collected yet, however recent the unload. */
    int awaitingCollection() {
        unloaded.removeIf(u -> u.loader().get() == null);
        return unloaded.size();
    }
}
