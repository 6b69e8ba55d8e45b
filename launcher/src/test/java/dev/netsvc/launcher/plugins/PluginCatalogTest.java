package dev.netsvc.launcher.plugins;

import dev.netsvc.core.ConfigException;
import dev.netsvc.launcher.PluginJars;
import dev.netsvc.launcher.config.Configuration;
import dev.netsvc.launcher.config.Plan;
import dev.netsvc.launcher.config.ServiceInfo;
import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.supervisor.ServiceStatus;
import dev.netsvc.launcher.supervisor.Supervisor;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin catalog and the supervisor against real plugin jars, well-behaved and not. */
class PluginCatalogTest {

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

    private final List<String> problems = new ArrayList<>();

    private PluginCatalog load() {
        return PluginCatalog.load(plugins, "0.1.0", PluginJars.collecting(problems));
    }

    private static Supervisor supervisor(Plan plan) {
        Supervisor supervisor = new Supervisor(java.time.Clock.systemUTC(), plugins, java.time.Duration.ofSeconds(1));
        plan.services().forEach(supervisor::add);
        return supervisor;
    }

    private static ServiceStatus status(Supervisor supervisor, String id) {
        return supervisor.statuses().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void everyBadPluginIsReportedInOneLineAndTheRestLoad() {
        try (PluginCatalog host = load()) {
            Map<String, ServiceInfo> services = host.services();
            assertEquals(List.of("crashy-svc", "good-svc"), services.keySet().stream().sorted().toList());
            String all = String.join("\n", problems);
            assertTrue(all.contains("plugin jar garbage.jar: cannot be loaded: not a valid jar file"), all);
            assertTrue(all.contains("plugin jar future-1.0.0.jar: plugin future requires netsvc >=99.0.0 but this is 0.1.0"), all);
            assertTrue(all.contains("plugin jar twin-1.0.0.jar: its service good-svc is already provided by plugin good"), all);
            assertTrue(all.contains("plugin jar ctor-1.0.0.jar: plugin ctor") && all.contains("constructor says no"), all);
            assertEquals(4, problems.size(), all);
            assertTrue(problems.stream().noneMatch(p -> p.contains("\n")), "one line each:\n" + all);
        }
    }

    @Test
    void aServiceThatCannotStartIsReportedAndTheOthersRun() {
        try (PluginCatalog host = load()) {
            Plan plan = new Configuration(host.services())
                    .addSetting("good-svc.port=0").addSetting("crashy-svc.port=0").addSetting("good-svc.level=9")
                    .plan();
            Supervisor supervisor = supervisor(plan);
            assertEquals(ServiceState.RUNNING, status(supervisor, "good-svc").state());
            assertEquals(ServiceState.BACKOFF, status(supervisor, "crashy-svc").state());
            assertEquals("boom", status(supervisor, "crashy-svc").reason());
            supervisor.stopAll();
        }
    }

    @Test
    void portInUseIsExplained() throws IOException {
        try (PluginCatalog host = load(); ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Plan plan = new Configuration(host.services())
                    .addSetting("good-svc.port=" + taken.getLocalPort()).enableOnly(List.of("good-svc")).plan();
            Supervisor supervisor = supervisor(plan);
            String cause = status(supervisor, "good-svc").reason();
            assertTrue(cause.startsWith("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use"), cause);
        }
    }

    @Test
    void pluginKeysAreValidatedLikeBuiltInOnes() {
        try (PluginCatalog host = load()) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> new Configuration(host.services()).addSetting("good-svc.level=10").plan());
            assertEquals("good-svc.level", e.key());
            assertTrue(e.getMessage().contains("1..9") && e.getMessage().contains("--set"), e.getMessage());
        }
    }
}
