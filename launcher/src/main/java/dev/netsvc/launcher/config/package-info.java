/**
 * Configuration: where an installation keeps its parts ({@link dev.netsvc.launcher.config.Layout}), the
 * files and command-line layers a run reads ({@link dev.netsvc.launcher.config.ConfigSources}), the keys
 * of the host and of every service, and the {@link dev.netsvc.launcher.config.Plan} they validate into.
 * It knows what plugins declare ({@link dev.netsvc.launcher.config.ServiceInfo}) but not how they are
 * loaded or run.
 */
package dev.netsvc.launcher.config;
