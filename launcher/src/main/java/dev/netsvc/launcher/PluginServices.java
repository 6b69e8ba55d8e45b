package dev.netsvc.launcher;

import java.time.Duration;
import java.util.List;

/**
 * What the live plugins folder asks of whoever runs services (the supervisor): start the enabled
 * services of a newly loaded generation, and stop those of one going away.
 */
interface PluginServices {

    /**
     * Starts the enabled services of {@code generation}, each with the host's shared listening sockets.
     * All or nothing: when one cannot start, those already started are stopped again and the causes are
     * returned (empty when everything runs).
     */
    List<Problem> start(PluginGeneration generation);

    /** Stops every service of {@code generation}; each drains for up to {@code grace}. */
    void stop(PluginGeneration generation, Duration grace);
}
