/**
 * The {@code netsvc} command: {@link dev.netsvc.launcher.cli.Main}, option parsing and help, and one
 * class per command. {@code run} puts a {@link dev.netsvc.launcher.host.Host} together; {@code check},
 * {@code list}, {@code call} and {@code bench} load plugins through the same
 * {@link dev.netsvc.launcher.plugins.PluginCatalog}; {@code status}, {@code start}, {@code reload}, ...
 * talk to a running host through its control socket.
 */
package dev.netsvc.launcher.cli;
