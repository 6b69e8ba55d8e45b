package dev.netsvc.launcher;

import dev.netsvc.core.ConfigException;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin host and supervisor against real plugin jars, well-behaved and not. */
class PluginHostTest {

    @TempDir
    static Path plugins;

    @BeforeAll
    static void buildPlugins() throws IOException {
        PluginJars.build(plugins, "good", Map.of("t.good.Good", PluginJars.listeningService("t.good", "Good", "good-svc", "")),
                Map.of());
        PluginJars.build(plugins, "crashy", Map.of("t.crashy.Crashy",
                PluginJars.listeningService("t.crashy", "Crashy", "crashy-svc", "if (true) throw new IllegalStateException(\"boom\");")),
                Map.of());
        PluginJars.build(plugins, "future", Map.of("t.future.Future", PluginJars.listeningService("t.future", "Future", "future-svc", "")),
                Map.of("Plugin-Requires", ">=99.0.0"));
        PluginJars.build(plugins, "twin", Map.of("t.twin.Twin", PluginJars.listeningService("t.twin", "Twin", "good-svc", "")),
                Map.of());
        PluginJars.build(plugins, "ctor", Map.of("t.ctor.Ctor", """
                package t.ctor;
                @org.pf4j.Extension
                public class Ctor extends t.ctor.Base {
                    public Ctor() { throw new IllegalStateException("constructor says no"); }
                }
                """, "t.ctor.Base", PluginJars.listeningService("t.ctor", "Base", "ctor-svc", "").replace("@org.pf4j.Extension", "")),
                Map.of());
        Files.writeString(plugins.resolve("garbage.jar"), "not a zip");
    }

    private static PluginHost load() {
        PluginHost host = new PluginHost(plugins, "0.1.0");
        host.load();
        return host;
    }

    private static Supervisor supervisor(Configuration.Plan plan) {
        Supervisor supervisor = new Supervisor(java.time.Clock.systemUTC(), plugins, java.time.Duration.ofSeconds(1));
        plan.services().forEach(supervisor::add);
        return supervisor;
    }

    @Test
    void everyBadPluginIsReportedInOneLineAndTheRestLoad() {
        try (PluginHost host = load()) {
            Map<String, ServiceInfo> services = host.services();
            assertEquals(List.of("crashy-svc", "good-svc"), services.keySet().stream().sorted().toList());
            String problems = String.join("\n", host.problems().stream().map(Problem::toString).toList());
            assertTrue(problems.contains("plugin jar garbage.jar: cannot be loaded"), problems);
            assertTrue(problems.contains("plugin future: not started: it requires netsvc >=99.0.0 but this is 0.1.0"), problems);
            assertTrue(problems.contains("service good-svc of plugin twin: ignored: plugin good already provides"), problems);
            assertTrue(problems.contains("plugin ctor") && problems.contains("constructor says no"), problems);
            assertTrue(host.problems().stream().noneMatch(p -> p.toString().contains("\n")), "one line each:\n" + problems);
        }
    }

    @Test
    void aServiceThatCannotStartIsReportedAndTheOthersRun() {
        try (PluginHost host = load()) {
            Configuration.Plan plan = new Configuration(host.services())
                    .addSetting("good-svc.port=0").addSetting("crashy-svc.port=0").addSetting("good-svc.level=9")
                    .plan();
            Supervisor supervisor = supervisor(plan);
            assertEquals(ServiceState.RUNNING, supervisor.service("good-svc").state());
            assertEquals(ServiceState.BACKOFF, supervisor.service("crashy-svc").state());
            assertEquals("boom", supervisor.service("crashy-svc").reason());
            supervisor.stopAll();
        }
    }

    @Test
    void portInUseIsExplained() throws IOException {
        try (PluginHost host = load(); ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Configuration.Plan plan = new Configuration(host.services())
                    .addSetting("good-svc.port=" + taken.getLocalPort()).enableOnly(List.of("good-svc")).plan();
            Supervisor supervisor = supervisor(plan);
            String cause = supervisor.service("good-svc").reason();
            assertTrue(cause.startsWith("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use"), cause);
        }
    }

    @Test
    void pluginKeysAreValidatedLikeBuiltInOnes() {
        try (PluginHost host = load()) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> new Configuration(host.services()).addSetting("good-svc.level=10").plan());
            assertEquals("good-svc.level", e.key());
            assertTrue(e.getMessage().contains("1..9") && e.getMessage().contains("--set"), e.getMessage());
        }
    }
}
