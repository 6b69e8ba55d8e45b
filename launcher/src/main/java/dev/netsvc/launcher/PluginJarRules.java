package dev.netsvc.launcher;

import org.pf4j.DefaultVersionManager;
import org.pf4j.VersionManager;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * What a jar must satisfy before the host loads it: a plugin manifest with an id and a valid version,
 * a {@code Plugin-Requires} that this netsvc satisfies, and no bundled copy of the classes the host
 * provides. Each failure is a {@link Rejected} whose message is the plain cause.
 */
final class PluginJarRules {

    /** The jar is not loaded; the message says why in plain words. */
    static final class Rejected extends Exception {
        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    /** The manifest entries the host needs. */
    record Descriptor(String id, String version) {
    }

    private static final VersionManager VERSIONS = new DefaultVersionManager();

    private PluginJarRules() {
    }

    static Descriptor check(Path jar, String systemVersion) throws Rejected {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            Attributes main = manifest == null ? new Attributes() : manifest.getMainAttributes();
            String id = main.getValue("Plugin-Id");
            String version = main.getValue("Plugin-Version");
            if (id == null || id.isBlank()) {
                throw new Rejected("not a plugin: its manifest has no Plugin-Id (see docs/plugin-authors.md)");
            }
            if (version == null || !isVersion(version)) {
                throw new Rejected("plugin " + id + " has " + (version == null ? "no Plugin-Version" : "Plugin-Version '"
                        + version + "', which is not a version such as 1.2.0"));
            }
            String requires = main.getValue("Plugin-Requires");
            if (requires != null && !requires.isBlank() && !requires.strip().equals("*")
                    && !satisfies(systemVersion, requires.strip())) {
                throw new Rejected("plugin " + id + " requires netsvc " + requires.strip() + " but this is " + systemVersion);
            }
            Optional<String> bundled = bundledHostClasses(file);
            if (bundled.isPresent()) {
                throw new Rejected("plugin " + id + " bundles " + bundled.get()
                        + ", which the host provides; depend on it with scope 'provided'");
            }
            return new Descriptor(id.strip(), version.strip());
        } catch (IOException e) {
            throw new Rejected("cannot be loaded: not a valid jar file (" + e.getMessage() + ")");
        }
    }

    /**
     * The first host library a jar bundles (netsvc-core, pf4j, slf4j), which would become a second,
     * incompatible copy inside the plugin's class loader. One small method on purpose: the SDK's
     * PluginJarCheck does the same check, and the lead can make this call it.
     */
    static Optional<String> bundledHostClasses(JarFile jar) {
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            if (!name.endsWith(".class")) {
                continue;
            }
            if (name.startsWith("dev/netsvc/core/")) {
                return Optional.of("netsvc-core classes (" + name + ")");
            }
            if (name.startsWith("org/pf4j/")) {
                return Optional.of("pf4j classes (" + name + ")");
            }
            if (name.startsWith("org/slf4j/")) {
                return Optional.of("slf4j classes (" + name + ")");
            }
        }
        return Optional.empty();
    }

    static int compareVersions(String a, String b) {
        return VERSIONS.compareVersions(a, b);
    }

    private static boolean isVersion(String text) {
        try {
            VERSIONS.compareVersions(text.strip(), "0.0.0");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean satisfies(String systemVersion, String requires) {
        try {
            return VERSIONS.checkVersionConstraint(systemVersion, requires);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
