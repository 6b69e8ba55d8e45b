package dev.netsvc.launcher.plugins;

import dev.netsvc.launcher.PluginJars;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jars the host must refuse before PF4J loads them, each with one line; and a good jar that passes. */
class PluginJarCheckTest {

    @TempDir
    Path dir;

    /** The one-line reason the jar is refused, or empty when it passes. */
    private static Optional<String> problem(Path jar) {
        try {
            PluginJarCheck.check(jar, "0.1.0");
            return Optional.empty();
        } catch (PluginJarCheck.Rejected e) {
            return Optional.of(e.getMessage());
        }
    }

    @Test
    void aWellBuiltPluginPasses() {
        Path jar = PluginJars.build(dir, "good", Map.of("t.good.Good", PluginJars.listeningService("t.good", "Good", "good", "")), Map.of());
        assertEquals(Optional.empty(), problem(jar));
    }

    @Test
    void anExtensionThroughACoreSuperclassAndOneOfItsOwnPasses() {
        Path jar = PluginJars.build(dir, "deep", Map.of(
                "t.deep.Base", """
                        package t.deep;
                        public abstract class Base extends dev.netsvc.core.reply.ReplyClient {
                            protected Base() { super("deep", "test", 1, dev.netsvc.core.Transport.TCP, 10); }
                        }
                        """,
                "t.deep.Deep", "package t.deep; @org.pf4j.Extension public final class Deep extends Base { }"), Map.of());
        assertEquals(Optional.empty(), problem(jar));
    }

    @Test
    void aJarThatBundlesCoreIsRefused() throws IOException {
        Path jar = PluginJars.build(dir, "fat", Map.of("t.fat.Fat", PluginJars.listeningService("t.fat", "Fat", "fat", "")), Map.of());
        Path fat = withEntry(jar, "dev/netsvc/core/NetService.class", new byte[] {(byte) 0xCA, (byte) 0xFE});
        String line = problem(fat).orElseThrow();
        assertTrue(line.startsWith("refused: it bundles netsvc-core classes (dev/netsvc/core/NetService.class)"), line);
        assertTrue(line.contains("provided") && !line.contains("\n"), line);
    }

    @Test
    void aJarThatBundlesSlf4jIsRefused() throws IOException {
        Path jar = PluginJars.build(dir, "logs", Map.of("t.logs.Logs", PluginJars.listeningService("t.logs", "Logs", "logs", "")), Map.of());
        String line = problem(withEntry(jar, "org/slf4j/Logger.class", new byte[1])).orElseThrow();
        assertTrue(line.contains("bundles slf4j classes"), line);
    }

    @Test
    void anIndexNamingAClassThatIsNoExtensionIsRefused() throws IOException {
        Path jar = PluginJars.build(dir, "odd", Map.of("t.odd.Odd", "package t.odd; public class Odd { }"), Map.of());
        Path bad = withEntry(jar, PluginJarCheck.INDEX, "# written by hand\nt.odd.Odd\n".getBytes());
        assertEquals(Optional.of("refused: its extension index (META-INF/extensions.idx) names t.odd.Odd, which implements"
                + " neither NetService nor NetClient; is netsvc-core bundled in the jar?"), problem(bad));
    }

    @Test
    void anIndexNamingAMissingClassIsRefused() throws IOException {
        Path jar = PluginJars.build(dir, "gone", Map.of("t.gone.Here", "package t.gone; public class Here { }"), Map.of());
        Path bad = withEntry(jar, PluginJarCheck.INDEX, "t.gone.Gone\n".getBytes());
        assertEquals(Optional.of("refused: its extension index (META-INF/extensions.idx) names t.gone.Gone, which is not in the jar"),
                problem(bad));
    }

    @Test
    void aJarWithoutExtensionsIsRefusedAskingAboutExtension() throws IOException {
        // what PF4J's processor writes when no class is marked @Extension: its header alone
        Path jar = PluginJars.build(dir, "forgot", Map.of("t.forgot.Forgot", PluginJars.listeningService("t.forgot", "Forgot", "forgot", "")
                .replace("@org.pf4j.Extension", "")), Map.of());
        try (JarFile file = new JarFile(jar.toFile())) {
            String index = new String(file.getInputStream(file.getJarEntry(PluginJarCheck.INDEX)).readAllBytes());
            assertTrue(index.lines().allMatch(l -> l.isBlank() || l.startsWith("#")), "only comments: " + index);
        }
        String line = problem(jar).orElseThrow();
        assertTrue(line.startsWith("refused: it declares no extensions: is @Extension missing?"), line);
        assertTrue(!line.contains("\n"), "one line");
        Path noIndex = PluginJars.build(dir, "bare", Map.of("t.bare.Bare", "package t.bare; public class Bare { }"), Map.of());
        assertEquals(problem(withEntry(noIndex, "META-INF/other.txt", new byte[0])).orElseThrow(), line, "no index at all: the same");
    }

    @Test
    void theHostReportsTheRefusalAndLoadsNothingFromTheJar() throws IOException {
        Path jar = PluginJars.build(dir, "fat", Map.of("t.fat.Fat", PluginJars.listeningService("t.fat", "Fat", "fat", "")), Map.of());
        withEntry(jar, "org/pf4j/Plugin.class", new byte[1]);
        Files.delete(jar);
        List<String> problems = new ArrayList<>();
        try (PluginCatalog catalog = PluginCatalog.load(dir, "0.1.0", PluginJars.collecting(problems))) {
            assertTrue(catalog.generations().isEmpty());
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith("plugin jar fat-1.0.0-bundled.jar: refused: it bundles pf4j classes"),
                    problems.toString());
        }
    }

    /** A copy of {@code jar} with one more (or a replaced) entry. */
    private static Path withEntry(Path jar, String name, byte[] content) throws IOException {
        Path copy = jar.resolveSibling(jar.getFileName().toString().replace(".jar", "-bundled.jar"));
        try (JarFile in = new JarFile(jar.toFile()); OutputStream file = Files.newOutputStream(copy);
             JarOutputStream out = new JarOutputStream(file, in.getManifest())) {
            for (JarEntry entry : java.util.Collections.list(in.entries())) {
                if (entry.getName().equals(name) || entry.getName().equals(JarFile.MANIFEST_NAME)) {
                    continue;
                }
                out.putNextEntry(new JarEntry(entry.getName()));
                out.write(in.getInputStream(entry).readAllBytes());
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry(name));
            out.write(content);
            out.closeEntry();
        }
        return copy;
    }
}
