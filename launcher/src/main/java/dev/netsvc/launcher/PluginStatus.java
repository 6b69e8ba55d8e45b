package dev.netsvc.launcher;

/**
 * A plugin running in the host, as status and metrics show it.
 *
 * @param id      its Plugin-Id
 * @param version its Plugin-Version
 * @param jar     the jar's name in plugins/
 */
public record PluginStatus(String id, String version, String jar) {
}
