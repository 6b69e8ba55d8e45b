/**
 * The running host: {@link dev.netsvc.launcher.host.Host} puts the plugin catalog, the configuration,
 * the supervisor, the admin endpoint and the live plugins folder together for one run, and takes
 * operators' orders from the control socket ({@code HostControl}) and signals ({@code HostSignals}).
 */
package dev.netsvc.launcher.host;
