/**
 * The admin endpoint: read-only HTTP ({@code /status}, {@code /metrics}, {@code /healthz}, the status
 * page) over what a running host shows through {@link dev.netsvc.launcher.admin.HostView}. It reads
 * services' and plugins' statuses; it changes nothing.
 */
package dev.netsvc.launcher.admin;
