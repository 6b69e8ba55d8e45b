/**
 * Supervision: each service's lifecycle and states ({@code SupervisedService}), the restart policy's
 * backoff, the listening sockets a new instance takes over ({@code SharedListeners}), and the
 * {@link dev.netsvc.launcher.supervisor.Supervisor} that keeps them running and swaps in new instances
 * all or nothing. It runs {@link dev.netsvc.launcher.config.ServicePlan}s and tells
 * {@link dev.netsvc.launcher.supervisor.DeathListener}s of deaths; it knows nothing of plugins' jars.
 */
package dev.netsvc.launcher.supervisor;
