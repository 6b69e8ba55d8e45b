package dev.netsvc.launcher;

import dev.netsvc.launcher.plugins.PluginCatalog;
import dev.netsvc.launcher.text.Problem;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Builds real plugin jars in a temporary folder, the way PF4J's own tests do: compiles the sources with
 * PF4J's annotation processor (so extensions.idx is written) and packs them with a plugin manifest.
 */
public final class PluginJars {

    /** A plugin catalog report that says nothing (tests look at the catalog itself). */
    public static final PluginCatalog.Report QUIET = new PluginCatalog.Report() {
        @Override
        public void problem(Problem problem) {
        }

        @Override
        public void info(String line) {
        }
    };

    /** A report that keeps every problem's line in {@code lines}. */
    public static PluginCatalog.Report collecting(List<String> lines) {
        return new PluginCatalog.Report() {
            @Override
            public void problem(Problem problem) {
                lines.add(problem.toString());
            }

            @Override
            public void info(String line) {
            }
        };
    }

    private PluginJars() {
    }

    /**
     * @param sources class name to Java source
     * @param manifest extra manifest entries (Plugin-Id, Plugin-Version default from {@code id})
     */
    public static Path build(Path dir, String id, Map<String, String> sources, Map<String, String> manifest) {
        try {
            Path src = Files.createDirectories(dir.resolve(id + "-src"));
            Path classes = Files.createDirectories(dir.resolve(id + "-classes"));
            List<String> files = new ArrayList<>();
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, source.getValue());
                files.add(file.toString());
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            List<String> args = new ArrayList<>(List.of("-proc:full", "-nowarn", "-d", classes.toString(),
                    "-cp", System.getProperty("java.class.path")));
            args.addAll(files);
            int status = javac.run(null, null, null, args.toArray(String[]::new));
            if (status != 0) {
                throw new IllegalStateException("test plugin " + id + " does not compile");
            }
            Manifest mf = new Manifest();
            Attributes main = mf.getMainAttributes();
            main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            main.putValue("Plugin-Id", id);
            main.putValue("Plugin-Version", "1.0.0");
            manifest.forEach(main::putValue);
            Path jar = dir.resolve(id + "-1.0.0.jar");
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, mf);
                 Stream<Path> walk = Files.walk(classes)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    zip.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                    zip.write(Files.readAllBytes(p));
                    zip.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Source of a NetService that listens on TCP at its context address (core's blocking engine) and answers nothing. */
    public static String listeningService(String pkg, String cls, String id, String startBody) {
        return """
                package %s;
                import dev.netsvc.core.*;
                import java.net.*;
                import java.time.Duration;
                import java.util.*;
                @org.pf4j.Extension
                public class %s implements NetService {
                    public String id() { return "%s"; }
                    public String description() { return "test service"; }
                    public Set<Transport> transports() { return Set.of(Transport.TCP); }
                    public int defaultPort() { return 1; }
                    public List<ConfigKey<?>> configKeys() {
                        return List.of(ConfigKey.integer("level", 3, 1, 9, "how much"));
                    }
                    public RunningService start(ServiceContext ctx) throws java.io.IOException {
                        %s
                        return dev.netsvc.core.net.BlockingTcpServer.start(ctx,
                                new dev.netsvc.core.net.BlockingTcpServer.Limits(10, Duration.ZERO), connection -> { });
                    }
                }
                """.formatted(pkg, cls, id, startBody);
    }
}
