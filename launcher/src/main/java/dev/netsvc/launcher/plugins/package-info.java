/**
 * Plugins: the folder and its scanner and watcher, the host's private copies of jars, the checks a jar
 * must pass, one PF4J manager per loaded jar ({@code PluginGeneration}), and the
 * {@link dev.netsvc.launcher.plugins.PluginCatalog}, the one way every command loads plugins and the
 * running host deploys, replaces and removes them. A deploy drives the supervisor through one object,
 * {@link dev.netsvc.launcher.plugins.ServiceDeployment}; probation hears of deaths as a death listener.
 */
package dev.netsvc.launcher.plugins;
