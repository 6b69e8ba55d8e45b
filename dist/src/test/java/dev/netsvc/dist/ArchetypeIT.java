package dev.netsvc.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin-author tutorial, end to end, as a newcomer holding only the tarball: generate a plugin from
 * the archetype, build it offline against the distribution's sdk/repository (its tests run, in memory and
 * over sockets), with no warning from Maven about checksums, drop the jar into a freshly unpacked
 * distribution, see it in {@code netsvc list}, run its service and talk to it over TCP and UDP with its
 * client through {@code netsvc call}. And the mistakes the parent POM catches: a plugin without
 * {@code @Extension} does not build, nor does one that uses a class the host keeps for itself.
 */
class ArchetypeIT {

    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void aGeneratedPluginBuildsOfflineAgainstTheSdkAndRunsInTheDistribution() throws IOException {
        Path home = SdkBuild.unpackDistribution(tmp.resolve("dist"));
        SdkBuild sdk = new SdkBuild(home, tmp);
        StringBuilder maven = new StringBuilder();
        Path project = sdk.generate(tmp, "com.example", "hello-net", "com.example.hello", maven);
        for (String generated : List.of("main/java/com/example/hello/HelloNetService.java",
                "main/java/com/example/hello/HelloNetClient.java", "test/java/com/example/hello/HelloNetServiceTest.java",
                "test/java/com/example/hello/HelloNetClientTest.java")) {
            assertTrue(Files.isRegularFile(project.resolve("src").resolve(generated)), generated + ", named after the artifactId");
        }

        DistProcess.Result build = sdk.mvnVerbose(project, "verify");
        assertEquals(0, build.exitCode(), build::toString);
        maven.append(build.stdout());
        List<String> checksums = maven.toString().lines().filter(l -> l.toLowerCase().contains("checksum")).toList();
        assertEquals(List.of(), checksums, "Maven says nothing about checksums: sdk/repository has them");
        try (var reports = Files.list(project.resolve("target/surefire-reports"))) {
            assertEquals(2, reports.filter(p -> p.toString().endsWith(".txt") && !p.toString().endsWith("-output.txt")).count(),
                    "the generated tests ran");
        }
        assertTrue(build.stdout().contains("Tests run: 6, Failures: 0"), "six tests, in memory and over sockets:\n" + build.stdout());
        Path jar = project.resolve("target/hello-net-1.0.0.jar");
        try (JarFile file = new JarFile(jar.toFile())) {
            assertNotNull(file.getJarEntry("META-INF/extensions.idx"));
            assertEquals("hello-net", file.getManifest().getMainAttributes().getValue("Plugin-Id"));
            assertEquals(">=" + SdkBuild.VERSION, file.getManifest().getMainAttributes().getValue("Plugin-Requires"));
        }
        Files.copy(jar, home.resolve("plugins").resolve(jar.getFileName()));

        DistProcess.Result list = DistProcess.execIn(home, T, new byte[0], "list");
        assertEquals(0, list.exitCode(), list::toString);
        assertTrue(list.stdout().contains("hello-net") && list.stdout().contains("answers each line reversed"), list::toString);

        try (DistProcess netsvc = DistProcess.runIn(home, "--enable", "hello-net", "--set", "hello-net.port=0")) {
            int port = netsvc.port("hello-net", "tcp");
            assertEquals(port, netsvc.port("hello-net", "udp"), "UDP on the port TCP got");
            DistProcess.Result call = DistProcess.execIn(home, T, new byte[0], "call", "hello-net", "127.0.0.1:" + port, "stressed");
            assertEquals(0, call.exitCode(), call::toString);
            assertEquals("desserts", call.stdout().strip());
            DistProcess.Result udp = DistProcess.execIn(home, T, new byte[0], "call", "hello-net", "127.0.0.1:" + port, "--udp", "stressed");
            assertEquals(0, udp.exitCode(), udp::toString);
            assertEquals("desserts", udp.stdout().strip());
        }
    }

    @Test
    void aPluginWithoutExtensionDoesNotBuild() throws IOException {
        Path home = SdkBuild.unpackDistribution(tmp.resolve("dist"));
        SdkBuild sdk = new SdkBuild(home, tmp);
        Path project = sdk.generate(tmp, "com.example", "forgetful", "com.example.forgetful");
        try (var sources = Files.walk(project.resolve("src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Files.writeString(source, Files.readString(source).replace("@Extension", ""));
            }
        }
        DistProcess.Result build = sdk.mvn(project, "package", "-DskipTests");
        assertNotEquals(0, build.exitCode(), build::toString);
        assertTrue(build.stdout().contains("the plugin declares no extensions: is @Extension missing?"), build::toString);
    }

    @Test
    void aPluginThatUsesTheHostsClassesDoesNotBuild() throws IOException {
        Path home = SdkBuild.unpackDistribution(tmp.resolve("dist"));
        SdkBuild sdk = new SdkBuild(home, tmp);
        Path project = sdk.generate(tmp, "com.example", "sneaky", "com.example.sneaky");
        Path service = project.resolve("src/main/java/com/example/sneaky/SneakyService.java");
        String source = Files.readString(service);
        String start = "public RunningService start(ServiceContext context) throws IOException {";
        assertTrue(source.contains(start), source);
        // core's jar has the class, so it compiles; the parent's check refuses it, as the host would
        Files.writeString(service, source.replace(start, start + "\n        dev.netsvc.core.internal.Sockets.closeQuietly(null);"));
        DistProcess.Result build = sdk.mvn(project, "package", "-DskipTests");
        assertNotEquals(0, build.exitCode(), build::toString);
        assertTrue(build.stdout().contains("[ERROR] com.example.sneaky.SneakyService uses dev.netsvc.core.internal.Sockets,"
                + " which netsvc keeps for the host"), build::toString);
        assertTrue(build.stdout().contains("plugins may use netsvc-core's API only"), build::toString);
    }
}
