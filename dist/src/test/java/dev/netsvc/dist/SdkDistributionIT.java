package dev.netsvc.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the distribution promises plugin authors: the SDK in sdk/repository with one version string
 * (the artifacts', {@code netsvc --version}'s, the parent's Plugin-Requires), and jars that would load
 * wrongly refused in one line each.
 */
class SdkDistributionIT {

    private static final Duration T = Duration.ofSeconds(30);
    private static final String V = SdkBuild.VERSION;

    @TempDir
    Path tmp;

    @Test
    void theSdkRepositoryHoldsEveryArtifactWithSourcesAndJavadoc() throws IOException {
        Path repo = DistProcess.home().resolve("sdk/repository/dev/netsvc");
        for (String artifact : new String[] {"netsvc-core", "netsvc-testkit"}) {
            for (String suffix : new String[] {".jar", ".pom", "-sources.jar", "-javadoc.jar"}) {
                Path file = repo.resolve(artifact + "/" + V + "/" + artifact + "-" + V + suffix);
                assertTrue(Files.isRegularFile(file), file + " is in the SDK repository");
            }
        }
        assertTrue(Files.isRegularFile(repo.resolve("netsvc-plugin-archetype/" + V + "/netsvc-plugin-archetype-" + V + ".jar")));
        for (String parent : new String[] {"netsvc-parent", "netsvc-sdk", "netsvc-plugin-parent"}) {
            assertTrue(Files.isRegularFile(repo.resolve(parent + "/" + V + "/" + parent + "-" + V + ".pom")), parent);
        }
        assertTrue(Files.isRegularFile(DistProcess.home().resolve("sdk/settings.xml")));
    }

    @Test
    void oneVersionString() throws IOException {
        DistProcess.Result version = DistProcess.exec(T, "--version");
        assertTrue(version.stdout().startsWith("netsvc " + V + " "), version::toString);
        String parent = Files.readString(DistProcess.home()
                .resolve("sdk/repository/dev/netsvc/netsvc-plugin-parent/" + V + "/netsvc-plugin-parent-" + V + ".pom"));
        assertTrue(parent.contains("<version>" + V + "</version>") && parent.contains("<netsvc.version>" + V + "</netsvc.version>"),
                "the plugin parent names the version it belongs to");
        try (JarFile jar = new JarFile(DistProcess.home().resolve("examples/netsvc-example-classics-" + V + ".jar").toFile())) {
            assertEquals(">=" + V, jar.getManifest().getMainAttributes().getValue("Plugin-Requires"));
        }
    }

    @Test
    void aPluginForANewerNetsvcIsRefusedNamingThisVersion() throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        rewrite(examplesJar(), plugins.resolve("future.jar"), "META-INF/MANIFEST.MF", null, ">=9.0.0");
        DistProcess.Result list = DistProcess.exec(T, "list", "-p", plugins.toString());
        assertTrue(list.stderr().contains("plugin jar future.jar: plugin classics requires netsvc >=9.0.0 but this is " + V),
                list::toString);
    }

    @Test
    void aJarBundlingCoreAndAJarWithABadIndexAreRefusedInOneLineEach() throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        rewrite(examplesJar(), plugins.resolve("bundled.jar"), "dev/netsvc/core/NetService.class", new byte[] {(byte) 0xCA, (byte) 0xFE}, null);
        rewrite(examplesJar(), plugins.resolve("badindex.jar"), "META-INF/extensions.idx",
                "dev.netsvc.examples.classics.Words\n".getBytes(StandardCharsets.UTF_8), null);
        DistProcess.Result list = DistProcess.exec(T, "list", "-p", plugins.toString());
        assertTrue(list.stderr().lines().anyMatch(l -> l.startsWith(
                "netsvc: plugin jar bundled.jar: refused: it bundles netsvc-core classes (dev/netsvc/core/NetService.class); is netsvc-core bundled in the jar?")),
                list::toString);
        assertTrue(list.stderr().lines().anyMatch(l -> l.equals(
                "netsvc: plugin jar badindex.jar: refused: its extension index (META-INF/extensions.idx) names dev.netsvc.examples.classics.Words,"
                        + " which implements neither NetService nor NetClient; is netsvc-core bundled in the jar?")),
                list::toString);
        assertTrue(!list.stdout().contains("chargen"), "neither jar is loaded:\n" + list);
    }

    private static Path examplesJar() {
        return DistProcess.home().resolve("examples/netsvc-example-classics-" + V + ".jar");
    }

    /** A copy of {@code jar} with {@code entry} added or replaced, or with another Plugin-Requires. */
    private static void rewrite(Path jar, Path copy, String entry, byte[] content, String requires) throws IOException {
        try (JarFile in = new JarFile(jar.toFile()); OutputStream file = Files.newOutputStream(copy)) {
            java.util.jar.Manifest manifest = in.getManifest();
            if (requires != null) {
                manifest.getMainAttributes().putValue("Plugin-Requires", requires);
            }
            try (JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (JarEntry e : java.util.Collections.list(in.entries())) {
                    if (e.getName().equals(JarFile.MANIFEST_NAME) || e.getName().equals(entry)) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(e.getName()));
                    out.write(in.getInputStream(e).readAllBytes());
                    out.closeEntry();
                }
                if (content != null) {
                    out.putNextEntry(new JarEntry(entry));
                    out.write(content);
                    out.closeEntry();
                }
            }
        }
    }
}
