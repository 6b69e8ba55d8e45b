/**
 * The service manager netsvc may run under (systemd, or anything speaking its two protocols): the
 * listening sockets it passes in ({@code LISTEN_FDS}, or descriptor 0) as {@link
 * dev.netsvc.launcher.systemd.InheritedSockets}, and the notify socket ({@code NOTIFY_SOCKET}) that
 * {@link dev.netsvc.launcher.systemd.ServiceManager} tells of readiness, reloads, the stop and the
 * watchdog. Without a service manager both are empty and cost nothing.
 */
package dev.netsvc.launcher.systemd;
