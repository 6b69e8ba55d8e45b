package dev.netsvc.launcher.supervisor;

import dev.netsvc.launcher.config.ServiceInfo;

/**
 * Told of every death of a running service (the live plugins folder watches a replacement on probation).
 * Called on the supervisor thread while it holds its lock: hand the news over, never block or call back.
 */
@FunctionalInterface
public interface DeathListener {

    /** {@code service} died of {@code cause} (in plain words); the supervisor follows its restart policy. */
    void died(ServiceInfo service, String cause);
}
