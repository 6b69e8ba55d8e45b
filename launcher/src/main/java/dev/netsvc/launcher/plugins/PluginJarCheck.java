package dev.netsvc.launcher.plugins;

import dev.netsvc.core.NetClient;
import dev.netsvc.core.NetService;

import org.pf4j.DefaultVersionManager;
import org.pf4j.VersionManager;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * What a jar must satisfy before the host loads it, checked without loading a class of it: a plugin
 * manifest with an id and a valid version, a {@code Plugin-Requires} this netsvc satisfies, no bundled
 * copy of the classes the host provides (PF4J's class loader looks in the plugin first, so its extensions
 * would implement a second {@code NetService} and the host would see none), and an extension index that
 * names at least one class, and only classes of the jar that implement an extension point (a jar whose
 * index names none loads and contributes nothing: a forgotten {@code @Extension}), and no class that uses
 * one of the host's own classes ({@link HostOnlyClasses}). Each failure is a
 * {@link Rejected} whose message is the plain cause, in one line.
 */
final class PluginJarCheck {

    static final String INDEX = "META-INF/extensions.idx";

    /** The jar is not loaded; the message says why in plain words. */
    static final class Rejected extends Exception {
        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    /** The manifest entries the host needs. */
    record Descriptor(String id, String version) {
    }

    /** Packages that must come from the host, with the artifact a plugin should depend on as provided. */
    private static final List<String[]> HOST_PACKAGES = List.of(
            new String[] {"dev/netsvc/core/", "netsvc-core"},
            new String[] {"org/pf4j/", "pf4j"},
            new String[] {"org/slf4j/", "slf4j"});

    private static final VersionManager VERSIONS = new DefaultVersionManager();
    private static final int MAX_INDEX_LINES = 10_000;
    private static final int MAX_CLASS_FILE = 16 << 20;
    private static final int MAX_DEPTH = 32;

    private PluginJarCheck() {
    }

    /** The jar's descriptor when it may be loaded into a host of {@code systemVersion}. */
    static Descriptor check(Path jar, String systemVersion) throws Rejected {
        try (JarFile file = new JarFile(jar.toFile())) {
            Descriptor descriptor = descriptor(file, systemVersion);
            Optional<String> problem = bundledHostClasses(file).or(() -> indexProblem(file)).or(() -> hostOnlyUse(file));
            if (problem.isPresent()) {
                throw new Rejected(problem.get());
            }
            return descriptor;
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new Rejected("cannot be loaded: not a valid jar file (" + e.getMessage() + ")");
        }
    }

    private static Descriptor descriptor(JarFile file, String systemVersion) throws IOException, Rejected {
        Manifest manifest = file.getManifest();
        Attributes main = manifest == null ? new Attributes() : manifest.getMainAttributes();
        String id = main.getValue("Plugin-Id");
        String version = main.getValue("Plugin-Version");
        if (id == null || id.isBlank()) {
            throw new Rejected("not a plugin: its manifest has no Plugin-Id (see docs/plugin-authors.md)");
        }
        id = id.strip();
        if (version == null || !isVersion(version)) {
            throw new Rejected("plugin " + id + " has " + (version == null ? "no Plugin-Version" : "Plugin-Version '"
                    + version + "', which is not a version such as 1.2.0"));
        }
        String requires = main.getValue("Plugin-Requires");
        if (requires != null && !requires.isBlank() && !requires.strip().equals("*")
                && !satisfies(systemVersion, requires.strip())) {
            throw new Rejected("plugin " + id + " requires netsvc " + requires.strip() + " but this is " + systemVersion);
        }
        return new Descriptor(id, version.strip());
    }

    private static Optional<String> bundledHostClasses(JarFile file) {
        Enumeration<JarEntry> entries = file.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            if (!name.endsWith(".class")) {
                continue;
            }
            for (String[] host : HOST_PACKAGES) {
                if (name.startsWith(host[0])) {
                    return Optional.of("refused: it bundles " + host[1] + " classes (" + name
                            + "); is " + host[1] + " bundled in the jar? Depend on it with <scope>provided</scope>"
                            + " (the netsvc-plugin-parent POM does this)");
                }
            }
        }
        return Optional.empty();
    }

    // A class of the jar that names a class the host keeps for itself: refused before any of it loads
    private static Optional<String> hostOnlyUse(JarFile file) {
        try {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                byte[] bytes;
                try (InputStream in = file.getInputStream(entry)) {
                    bytes = in.readNBytes(MAX_CLASS_FILE);
                }
                Optional<String> used = HostOnlyClasses.referencedBy(bytes);
                if (used.isPresent()) {
                    String user = entry.getName().substring(0, entry.getName().length() - ".class".length()).replace('/', '.');
                    return Optional.of("refused: " + HostOnlyClasses.refusal("its class " + user, used.get()));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What a plugin without extensions is told: it would load and do nothing, which nobody means. */
    static final String NO_EXTENSIONS = "refused: it declares no extensions: is @Extension missing? (its " + INDEX
            + " names no class: mark each NetService and NetClient with @org.pf4j.Extension, and compile with"
            + " <proc>full</proc> as netsvc-plugin-parent does)";

    private static Optional<String> indexProblem(JarFile file) {
        try {
            JarEntry index = file.getJarEntry(INDEX);
            List<String> names = index == null ? List.of() : indexEntries(file, index);
            if (names.isEmpty()) {
                return Optional.of(NO_EXTENSIONS);
            }
            for (String name : names) {
                if (file.getJarEntry(name.replace('.', '/') + ".class") == null) {
                    return Optional.of("refused: its extension index (" + INDEX + ") names " + name
                            + ", which is not in the jar");
                }
                if (!isExtension(file, name.replace('.', '/'), 0)) {
                    return Optional.of("refused: its extension index (" + INDEX + ") names " + name
                            + ", which implements neither NetService nor NetClient; is netsvc-core bundled in the jar?");
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> indexEntries(JarFile file, JarEntry index) throws IOException {
        List<String> names = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(file.getInputStream(index), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && names.size() < MAX_INDEX_LINES) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    names.add(line);
                }
            }
        }
        return names;
    }

    /**
     * Whether the class {@code internalName} (a/b/C) implements an extension point. The plugin's classes
     * are read as class files, never loaded (loading them here, beside PF4J's class loader, is plugin code
     * the host did not ask for); a supertype outside the jar is looked up in the host's class loader.
     */
    private static boolean isExtension(JarFile file, String internalName, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            return false;
        }
        JarEntry entry = file.getJarEntry(internalName + ".class");
        if (entry == null) {
            try {
                Class<?> type = Class.forName(internalName.replace('/', '.'), false, PluginJarCheck.class.getClassLoader());
                return NetService.class.isAssignableFrom(type) || NetClient.class.isAssignableFrom(type);
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }
        byte[] bytes;
        try (InputStream in = file.getInputStream(entry)) {
            bytes = in.readNBytes(MAX_CLASS_FILE);
        }
        for (String supertype : ClassFileSupertypes.of(bytes)) {
            if (isExtension(file, supertype, depth + 1)) {
                return true;
            }
        }
        return false;
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
