package dev.netsvc.launcher.plugins;

import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The class loaders of unloaded plugins, held weakly until they are collected: one still there a minute
 * after its unload, and after a garbage collection asked for then, means something (a thread, a static,
 * a cached instance) keeps the plugin's classes in memory. Without that collection an idle host with a
 * large heap may simply not have collected yet, and the count would cry leak for nothing. Thread-safe.
 */
final class LoaderLeaks {

    /** How long an unloaded plugin's class loader may stay uncollected before it counts as a leak. */
    static final Duration LEAK_AFTER = Duration.ofMinutes(1);

    private record Unloaded(String plugin, WeakReference<ClassLoader> loader, Instant at, AtomicBoolean collectionAsked) {
    }

    private final Clock clock;
    private final List<Unloaded> unloaded = new CopyOnWriteArrayList<>();

    LoaderLeaks(Clock clock) {
        this.clock = clock;
    }

    /** {@code plugin}'s generation whose class loader is {@code loader} was unloaded now. */
    void unloaded(String plugin, WeakReference<ClassLoader> loader) {
        unloaded.add(new Unloaded(plugin, loader, clock.instant(), new AtomicBoolean()));
    }

    /** The plugins (id and version) whose unloaded class loader is still there, however recent the unload. */
    List<String> awaitingNames() {
        unloaded.removeIf(u -> u.loader().get() == null);
        return unloaded.stream().map(Unloaded::plugin).toList();
    }

    /** Unloaded plugins whose class loader has not been collected a minute after the unload. */
    int uncollected() {
        Instant cutoff = clock.instant().minus(LEAK_AFTER);
        boolean unasked = false;
        for (Unloaded u : unloaded) {
            unasked |= !u.at().isAfter(cutoff) && u.loader().get() != null && !u.collectionAsked().getAndSet(true);
        }
        if (unasked) {
            System.gc(); // once per unloaded loader: a leak is what survives a collection
        }
        unloaded.removeIf(u -> u.loader().get() == null);
        return (int) unloaded.stream().filter(u -> !u.at().isAfter(cutoff)).count();
    }

    /** Unloaded plugins whose class loader has not been collected yet, however recent the unload. */
    int awaitingCollection() {
        unloaded.removeIf(u -> u.loader().get() == null);
        return unloaded.size();
    }
}
