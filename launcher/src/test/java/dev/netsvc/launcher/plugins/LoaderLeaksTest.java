package dev.netsvc.launcher.plugins;

import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LoaderLeaksTest {

    private final ManualClock clock = new ManualClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));
    private final LoaderLeaks leaks = new LoaderLeaks(clock);

    /**
     * A loader nothing holds is not a leak even when no collection ran on its own yet (an idle host with
     * a large heap); one that something holds is, a minute after its unload.
     */
    @Test
    void onlyWhatSurvivesACollectionCountsAsALeak() throws Exception {
        URLClassLoader held = new URLClassLoader(new URL[0], null);
        leaks.unloaded("held 1.0.0", new WeakReference<>(held));
        leaks.unloaded("free 1.0.0", new WeakReference<>(new URLClassLoader(new URL[0], null)));
        assertEquals(0, leaks.uncollected(), "not a minute yet");

        clock.advance(LoaderLeaks.LEAK_AFTER.plus(Duration.ofSeconds(1)));
        assertEquals(1, leaks.uncollected(), "the collection asked for frees the one nothing holds");
        assertEquals(java.util.List.of("held 1.0.0"), leaks.awaitingNames());
        held.close();
    }
}
