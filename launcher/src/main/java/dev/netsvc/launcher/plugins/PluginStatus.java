package dev.netsvc.launcher.plugins;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A plugin running in the host, as status and metrics show it.
 *
 * @param id      its Plugin-Id
 * @param version its Plugin-Version
 * @param jar     the jar's name in plugins/
 */
public record PluginStatus(String id, String version, String jar) {

    /**
     * What changed between two looks at the running plugins, one line each, as {@code netsvc reload}
     * reports it: "plugin tcp-time 0.2.0 loaded from tcp-time-0.2.0.jar", "plugin tcp-time 0.1.0 replaced
     * by 0.2.0 from tcp-time-0.2.0.jar", "plugin tcp-time 0.1.0 removed".
     */
    public static List<String> changes(List<PluginStatus> before, List<PluginStatus> after) {
        Map<String, PluginStatus> old = before.stream().collect(Collectors.toMap(PluginStatus::id, Function.identity()));
        List<String> lines = new ArrayList<>();
        for (PluginStatus now : after) {
            PluginStatus was = old.remove(now.id());
            if (was == null) {
                lines.add("plugin " + now.id() + " " + now.version() + " loaded from " + now.jar());
            } else if (!was.equals(now)) {
                lines.add("plugin " + now.id() + " " + was.version() + " replaced by " + now.version() + " from " + now.jar());
            }
        }
        old.values().forEach(gone -> lines.add("plugin " + gone.id() + " " + gone.version() + " removed"));
        return lines;
    }
}
