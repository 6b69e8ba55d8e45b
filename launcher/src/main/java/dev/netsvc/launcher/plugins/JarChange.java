package dev.netsvc.launcher.plugins;

import java.nio.file.Path;

/**
 * What a scan of the plugins folder found changed about one jar.
 *
 * @param kind     added (a new name settled), replaced (a name settled with other content) or removed
 * @param name     the jar's file name in the plugins folder
 * @param path     where it is (for added and replaced)
 * @param checksum its content's checksum (for added and replaced)
 */
public record JarChange(Kind kind, String name, Path path, String checksum) {

    public enum Kind { ADDED, REPLACED, REMOVED }

    static JarChange removed(String name) {
        return new JarChange(Kind.REMOVED, name, null, null);
    }
}
