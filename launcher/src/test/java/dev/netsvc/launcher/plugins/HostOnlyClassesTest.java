package dev.netsvc.launcher.plugins;

import dev.netsvc.launcher.PluginJars;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plugin jars that reach for the host's own classes are refused in one line, and the others still load. */
class HostOnlyClassesTest {

    private static final String SUFFIX = ", which netsvc keeps for the host: plugins may use netsvc-core's API only,"
            + " not dev.netsvc.core.internal (see docs/plugin-authors.md, \"What core offers plugins\")";

    @TempDir
    Path plugins;

    private final List<String> problems = new ArrayList<>();

    @Test
    void aJarWhoseClassUsesAHostClassIsRefusedBeforeItLoads() {
        PluginJars.build(plugins, "good", Map.of("t.good.Good", PluginJars.listeningService("t.good", "Good", "good-svc", "")), Map.of());
        PluginJars.build(plugins, "sneaky", Map.of("t.sneaky.Sneaky", PluginJars.listeningService("t.sneaky", "Sneaky", "sneaky-svc",
                "dev.netsvc.core.internal.Sockets.closeQuietly(null);")), Map.of());
        try (PluginCatalog host = PluginCatalog.load(plugins, "0.1.0", PluginJars.collecting(problems))) {
            assertEquals(List.of("good-svc"), List.copyOf(host.services().keySet()), "the other plugin loads");
            assertEquals(List.of("plugin jar sneaky-1.0.0.jar: refused: its class t.sneaky.Sneaky uses"
                    + " dev.netsvc.core.internal.Sockets" + SUFFIX), problems);
        }
    }

    @Test
    void aHostClassAskedForByNameIsRefusedByThePluginsClassLoader() {
        // the name is put together at run time, so only the class loader can see it
        PluginJars.build(plugins, "reflective", Map.of("t.reflective.Reflective", PluginJars.listeningService(
                "t.reflective", "Reflective", "reflective-svc", "")
                .replace("public String id()", """
                        public Reflective() throws Exception {
                            String core = "dev.netsvc.core";
                            Class.forName(core + ".internal.NativeCalls");
                        }
                        public String id()""")), Map.of());
        try (PluginCatalog host = PluginCatalog.load(plugins, "0.1.0", PluginJars.collecting(problems))) {
            assertTrue(host.services().isEmpty());
            assertEquals(1, problems.size(), problems::toString);
            String line = problems.get(0);
            assertTrue(line.startsWith("plugin jar reflective-1.0.0.jar: plugin reflective: extension t.reflective.Reflective"
                    + " cannot be created: "), line);
            assertTrue(line.endsWith("plugin reflective uses dev.netsvc.core.internal.NativeCalls" + SUFFIX), line);
            assertTrue(!line.contains("\n"), line);
        }
    }

    @Test
    void findsAHostClassInAClassFileInEitherForm() {
        byte[] internal = "\u0001\u0000\u0020Ldev/netsvc/core/internal/Listeners;\u0007".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals("dev.netsvc.core.internal.Listeners", HostOnlyClasses.referencedBy(internal).orElseThrow());
        byte[] binary = "\u0001\u0000\u0020dev.netsvc.core.internal.HostAccess\u0008".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals("dev.netsvc.core.internal.HostAccess", HostOnlyClasses.referencedBy(binary).orElseThrow());
        byte[] api = "\u0001\u0000\u0020Ldev/netsvc/core/net/HostPort;".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(HostOnlyClasses.referencedBy(api).isEmpty());
    }
}
