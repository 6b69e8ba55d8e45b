package dev.netsvc.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API gate that core and testkit run (japicmp against the committed baseline jar, configured once in
 * the reactor's parent POM), on a small probe module that inherits the same configuration: a removed
 * public method fails the build and names the change; an added one passes.
 */
class ApiGateIT {

    private static final String BASELINE = """
            package probe;
            public class Api {
                public int answer() { return 42; }
                public String name() { return "probe"; }
            }
            """;

    @TempDir
    Path tmp;

    @Test
    void aRemovedPublicMethodFailsTheBuild() throws Exception {
        Path probe = probe("""
                package probe;
                public class Api {
                    public int answer() { return 42; }
                }
                """);
        DistProcess.Result build = mvnVerify(probe);
        assertNotEquals(0, build.exitCode(), build::toString);
        assertTrue(build.stdout().contains("probe.Api") && build.stdout().contains("METHOD_REMOVED"), build::toString);
    }

    @Test
    void anAddedMethodPasses() throws Exception {
        Path probe = probe("""
                package probe;
                public class Api {
                    public int answer() { return 42; }
                    public String name() { return "probe"; }
                    public String greeting() { return "hello"; }
                }
                """);
        DistProcess.Result build = mvnVerify(probe);
        assertEquals(0, build.exitCode(), build::toString);
    }

    /** A module inheriting the reactor's parent, with {@code source} as its code and the baseline jar in api/. */
    private Path probe(String source) throws IOException {
        Path probe = Files.createDirectories(tmp.resolve("probe"));
        Path root = Path.of(System.getProperty("netsvc.root", "..")).toAbsolutePath().normalize();
        Files.writeString(probe.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <parent>
                    <groupId>dev.netsvc</groupId>
                    <artifactId>netsvc-parent</artifactId>
                    <version>%s</version>
                    <relativePath>%s</relativePath>
                  </parent>
                  <artifactId>gate-probe</artifactId>
                  <build>
                    <plugins>
                      <plugin>
                        <groupId>com.github.siom79.japicmp</groupId>
                        <artifactId>japicmp-maven-plugin</artifactId>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(SdkBuild.VERSION, probe.toAbsolutePath().relativize(root.resolve("pom.xml"))));
        Path src = Files.createDirectories(probe.resolve("src/main/java/probe"));
        Files.writeString(src.resolve("Api.java"), source);
        Path api = Files.createDirectories(probe.resolve("api"));
        baselineJar(api.resolve("gate-probe-" + System.getProperty("netsvc.api.baseline", SdkBuild.VERSION) + ".jar"));
        return probe;
    }

    /** The "released" API: the baseline source compiled here and packed into a jar. */
    private void baselineJar(Path jar) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("baseline/probe"));
        Path classes = Files.createDirectories(tmp.resolve("baseline-classes"));
        Files.writeString(src.resolve("Api.java"), BASELINE);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "--release", "21", "-d", classes.toString(), src.resolve("Api.java").toString()));
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
            zip.putNextEntry(new JarEntry("probe/Api.class"));
            zip.write(Files.readAllBytes(classes.resolve("probe/Api.class")));
            zip.closeEntry();
        }
    }

    /**
     * {@code mvn -o verify} on the probe, reading plugins from the repository the reactor build used
     * (offline: it resolves nothing new, and a probe module installs nothing).
     */
    private static DistProcess.Result mvnVerify(Path probe) throws Exception {
        List<String> command = List.of(Tools.require("mvn"), "-o", "-B", "verify",
                "-Dmaven.repo.local=" + System.getProperty("netsvc.m2", System.getProperty("user.home") + "/.m2/repository"));
        Path log = probe.resolve("mvn.log");
        Process p = new ProcessBuilder(command).directory(probe.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(Duration.ofMinutes(3).toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("mvn verify still running after 3 minutes:\n" + Files.readString(log));
        }
        return new DistProcess.Result(p.exitValue(), Files.readString(log), "");
    }
}
