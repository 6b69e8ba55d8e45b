package dev.netsvc.launcher.admin;

import dev.netsvc.launcher.plugins.PluginStatus;
import dev.netsvc.launcher.supervisor.ServiceStatus;

import java.time.Instant;
import java.util.List;

/** What the admin endpoint and {@code netsvc status} read from a running host; safe from any thread. */
public interface HostView {

    /** The netsvc version, as {@code netsvc --version} prints it. */
    String version();

    /** When this host started. */
    Instant startedAt();

    /** Every service the host knows, enabled or not, in a stable order (by id). */
    List<ServiceStatus> services();

    /** Every plugin running now, by id (the live plugins folder). */
    default List<PluginStatus> plugins() {
        return List.of();
    }

    /** Plugins deployed or replaced since the host started: {@code netsvc_plugin_deploys_total}. */
    default long pluginDeploys() {
        return 0;
    }

    /** Jars refused and replacements that failed: {@code netsvc_plugin_deploy_failures_total}. */
    default long pluginDeployFailures() {
        return 0;
    }

    /**
     * Unloaded plugins whose class loader was not collected within a minute, a leak:
     * {@code netsvc_plugin_class_loaders_uncollected} (a gauge).
     */
    default int uncollectedPluginClassLoaders() {
        return 0;
    }

    /**
     * Unloaded plugins whose class loader was not collected yet, however recent the unload ({@code netsvc
     * status --json}): after a full GC it drops to 0 unless a plugin leaks.
     */
    default int pluginClassLoadersAwaitingCollection() {
        return 0;
    }

    /** Reloads since the host started, by outcome (applied, refused, failed): {@code netsvc_reloads_total}. */
    default java.util.Map<String, Long> reloads() {
        return java.util.Map.of();
    }

    /** Whether the host drains before its stop ({@code netsvc.shutdown-drain-delay}): {@code /readyz} says 503. */
    default boolean draining() {
        return false;
    }

    /** How long the supervisor's loop may not go round before {@code /livez} says the host is wedged. */
    java.time.Duration LOOP_STALLED = java.time.Duration.ofSeconds(10);

    /** Whether the supervisor's loop went round within {@link #LOOP_STALLED} ({@code /livez}). */
    default boolean alive() {
        return true;
    }

    /**
     * What is wrong with the host itself, one line each (its plugins folder cannot be read, say); empty
     * when nothing is. Shown by status and /status, and makes /healthz answer 503.
     */
    default List<String> problems() {
        return List.of();
    }

    /** The plugins (id and version) whose unloaded class loader was not collected yet. */
    default List<String> pluginsAwaitingCollection() {
        return List.of();
    }
}
