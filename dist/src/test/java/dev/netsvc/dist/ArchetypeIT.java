package dev.netsvc.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin-author tutorial, end to end, as a newcomer holding only the tarball: generate a plugin from
 * the archetype, build it offline against the distribution's sdk/repository (its tests run), drop the
 * jar into a freshly unpacked distribution, see it in {@code netsvc list}, run its service and talk to it
 * with its client through {@code netsvc call}.
 */
class ArchetypeIT {

    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void aGeneratedPluginBuildsOfflineAgainstTheSdkAndRunsInTheDistribution() throws IOException {
        Path home = SdkBuild.unpackDistribution(tmp.resolve("dist"));
        SdkBuild sdk = new SdkBuild(home, tmp);
        Path project = sdk.generate(tmp, "com.example", "hello-net", "com.example.hello");

        DistProcess.Result build = sdk.mvn(project, "verify");
        assertEquals(0, build.exitCode(), build::toString);
        try (var reports = Files.list(project.resolve("target/surefire-reports"))) {
            assertEquals(2, reports.filter(p -> p.toString().endsWith(".txt")).count(), "the generated tests ran");
        }
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
            DistProcess.Result call = DistProcess.execIn(home, T, new byte[0], "call", "hello-net", "127.0.0.1:" + port, "stressed");
            assertEquals(0, call.exitCode(), call::toString);
            assertEquals("desserts", call.stdout().strip());
        }
    }
}
