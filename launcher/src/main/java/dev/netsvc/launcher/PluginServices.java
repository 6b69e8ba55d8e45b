package dev.netsvc.launcher;

import java.time.Duration;
import java.util.List;

/**
 * What the live plugins folder asks of whoever runs services (the host's supervisor): run the services
 * of a newly loaded generation, in place of those of the generation it replaces, and stop those of one
 * going away.
 */
interface PluginServices {

    /**
     * Starts the enabled services of {@code next} while those of {@code current} (null for a new plugin)
     * still serve; they get the same listening sockets. Once all of {@code next}'s run, {@code current}'s
     * stop (draining within the grace). All or nothing: when one cannot start, those of {@code next}
     * already started are stopped again, {@code current}'s are untouched, and the causes are returned
     * (empty when the swap happened).
     */
    List<Problem> swap(PluginGeneration current, PluginGeneration next);

    /**
     * Keeps the listening sockets of {@code generation}'s services open until the returned action runs,
     * whoever releases them meanwhile (a replacement on probation).
     */
    Runnable holdListeners(PluginGeneration generation);

    /** Stops every service of {@code generation} (its jar was removed); each drains within the grace. */
    void stop(PluginGeneration generation);
}
