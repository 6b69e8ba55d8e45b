package dev.netsvc.dist;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * A plugin whose services misbehave on purpose, compiled at test time against the distribution's own
 * lib/ (as a third party would build it) and packed as a PF4J jar. Its sources are test resources under
 * {@code faults/}; every service answers a line with {@code ok LINE} when it serves at all:
 * <ul>
 * <li>{@code flaky-start}: start throws {@code fail-starts} times (default 3), then runs;
 * <li>{@code throws}: its handler throws on every connection;
 * <li>{@code dies}: its accept loop reports its death after {@code after} connections (default 3);
 * <li>{@code hangs-stop}: stop never returns;
 * <li>{@code leaks-thread}: starts a non-daemon thread that never ends;
 * <li>{@code overflow}: its handler overflows the stack on every connection.
 * </ul>
 */
final class FaultPlugin {

    static final List<String> SOURCES = List.of("FaultService", "FlakyStart", "Throws", "Dies", "HangsStop",
            "LeaksThread", "Overflow");

    private FaultPlugin() {
    }

    /** Builds {@code faults-1.0.0.jar} into {@code plugins}. */
    static Path build(Path work, Path plugins) throws IOException {
        return build(work, plugins, "1.0.0", "ok");
    }

    /**
     * Builds {@code faults-VERSION.jar} into {@code plugins}, its services answering {@code ANSWER LINE}:
     * the same classes with other code, as a new build of a plugin is.
     */
    static Path build(Path work, Path plugins, String version, String answer) throws IOException {
        Path src = Files.createDirectories(work.resolve("faults-src/faults"));
        Path classes = Files.createDirectories(work.resolve("faults-classes"));
        List<String> args = new ArrayList<>(List.of("--release", "21", "-proc:full", "-nowarn", "-d", classes.toString(),
                "-cp", libClassPath()));
        for (String name : SOURCES) {
            Path file = src.resolve(name + ".java");
            try (var in = FaultPlugin.class.getResourceAsStream("/faults/" + name + ".java.txt")) {
                if (in == null) {
                    throw new IllegalStateException("test resource faults/" + name + ".java.txt is missing");
                }
                Files.writeString(file, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                        .replace("(\"ok \" + line", "(\"" + answer + " \" + line"));
            }
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac.run(null, null, null, args.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("the fault plugin does not compile");
        }
        Manifest mf = new Manifest();
        Attributes main = mf.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Plugin-Id", "faults");
        main.putValue("Plugin-Version", version);
        Path jar = plugins.resolve("faults-" + version + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, mf);
             Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                zip.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(p));
                zip.closeEntry();
            }
        }
        return jar;
    }

    private static String libClassPath() {
        try (Stream<Path> jars = Files.list(DistProcess.home().resolve("lib"))) {
            return String.join(java.io.File.pathSeparator, jars.map(Path::toString).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
