package dev.netsvc.launcher.plugins;

import dev.netsvc.launcher.text.Problem;

import java.util.List;

/**
 * What happens to the services of a plugin generation the {@link PluginCatalog} chose to run: a short
 * command only loads it ({@link #LOAD_ONLY}); the running host runs its services ({@link ServiceDeployment}).
 */
public interface Deployment {

    /**
     * Runs the services of {@code next} in place of those of {@code current} (null for a new plugin), all
     * or nothing; returns the causes when refused (then {@code current}'s are untouched).
     */
    List<Problem> swap(PluginGeneration current, PluginGeneration next);

    /**
     * Keeps the listening sockets of {@code generation}'s services open until the returned action runs,
     * whoever releases them meanwhile (a replacement on probation): null when there is nothing to hold,
     * and then there is no probation either.
     */
    Runnable holdListeners(PluginGeneration generation);

    /** Stops every service of {@code generation} (its jar went away); each drains within the grace. */
    void retire(PluginGeneration generation);

    /** Loads plugins and runs nothing: {@code check}, {@code list}, {@code call}, and the host before its launch. */
    Deployment LOAD_ONLY = new Deployment() {
        @Override
        public List<Problem> swap(PluginGeneration current, PluginGeneration next) {
            return List.of();
        }

        @Override
        public Runnable holdListeners(PluginGeneration generation) {
            return null;
        }

        @Override
        public void retire(PluginGeneration generation) {
        }
    };
}
