package dev.netsvc.launcher;

import dev.netsvc.core.NetClient;
import dev.netsvc.core.NetService;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Checks a plugin jar before PF4J loads it, for the two mistakes PF4J reports only at trace level:
 * <ul>
 *   <li>the jar bundles netsvc-core, pf4j or slf4j classes: PF4J's class loader looks in the plugin first,
 *   so the plugin's extensions implement a second copy of {@code NetService} and the host sees none;</li>
 *   <li>its {@code META-INF/extensions.idx} names a class that is missing or implements neither
 *   {@link NetService} nor {@link NetClient}.</li>
 * </ul>
 * Stateless: the host calls it once per jar, before loading.
 */
public final class PluginJarCheck {

    static final String INDEX = "META-INF/extensions.idx";

    /** Packages that must come from the host, with the artifact a plugin should depend on as provided. */
    private static final List<String[]> HOST_PACKAGES = List.of(
            new String[] {"dev/netsvc/core/", "netsvc-core"},
            new String[] {"org/pf4j/", "pf4j"},
            new String[] {"org/slf4j/", "slf4j"});

    private static final int MAX_INDEX_LINES = 10_000;

    private PluginJarCheck() {
    }

    /**
     * The one-line reason {@code jar} must not be loaded, or empty when it passes (or is not a readable
     * jar, which PF4J then reports in its own words).
     */
    public static Optional<String> problem(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Optional<String> bundled = bundledHostClasses(file);
            if (bundled.isPresent()) {
                return bundled;
            }
            return badIndexEntry(jar, file);
        } catch (IOException e) {
            return Optional.empty();
        }
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

    private static final int MAX_DEPTH = 32;

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
        try (java.io.InputStream in = file.getInputStream(entry)) {
            bytes = in.readNBytes(MAX_CLASS_FILE);
        }
        for (String supertype : ClassFileSupertypes.of(bytes)) {
            if (isExtension(file, supertype, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    private static final int MAX_CLASS_FILE = 16 << 20;

    private static Optional<String> badIndexEntry(Path jar, JarFile file) throws IOException {
        JarEntry index = file.getJarEntry(INDEX);
        if (index == null) {
            return Optional.empty(); // no extensions at all: it loads and `netsvc list` shows it with none
        }
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
        for (String name : names) {
            String entry = name.replace('.', '/') + ".class";
            if (file.getJarEntry(entry) == null) {
                return Optional.of("refused: its extension index (" + INDEX + ") names " + name
                        + ", which is not in the jar");
            }
            if (!isExtension(file, name.replace('.', '/'), 0)) {
                return Optional.of("refused: its extension index (" + INDEX + ") names " + name
                        + ", which implements neither NetService nor NetClient; is netsvc-core bundled in the jar?");
            }
        }
        return Optional.empty();
    }
}
