package dev.netsvc.launcher.host;

import dev.netsvc.launcher.PluginJars;
import dev.netsvc.launcher.config.ConfigSources;
import dev.netsvc.launcher.config.Layout;
import dev.netsvc.launcher.plugins.Deployment;
import dev.netsvc.launcher.plugins.JarStore;
import dev.netsvc.launcher.plugins.PluginCatalog;
import dev.netsvc.launcher.plugins.PluginFolderScanner;
import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.supervisor.ServiceStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The long-lived host with real plugin jars: launch, orders, reload. */
class HostTest {

    @TempDir
    static Path jars;
    @TempDir
    Path plugins;
    @TempDir
    Path home;

    private PluginCatalog catalog;
    private Host host;

    @BeforeAll
    static void buildPlugins() {
        PluginJars.build(jars, "alpha", Map.of("t.alpha.Alpha", PluginJars.listeningService("t.alpha", "Alpha", "alpha", "")),
                Map.of());
        PluginJars.build(jars, "beta", Map.of("t.beta.Beta", PluginJars.listeningService("t.beta", "Beta", "beta", "")),
                Map.of());
    }

    @BeforeEach
    void launch() throws IOException {
        try (var files = Files.list(jars)) {
            for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
                Files.copy(jar, plugins.resolve(jar.getFileName()));
            }
        }
        writeConf("alpha.port=0\nbeta.port=0\n");
        PluginFolderScanner scanner = new PluginFolderScanner(plugins, Duration.ZERO, Clock.systemUTC());
        catalog = new PluginCatalog(JarStore.IN_PLACE, "0.1.0", Clock.systemUTC(), PluginJars.QUIET);
        catalog.apply(scanner.scan(true), Deployment.LOAD_ONLY);
        host = new Host(catalog, scanner, ConfigSources.installation(new Layout(home, home.resolve("conf"), plugins,
                home.resolve("run"))), Clock.systemUTC());
        Launch launch = host.launch();
        assertEquals("netsvc ready: 2 of 2 services running", launch.readyLine());
    }

    @AfterEach
    void close() {
        host.close();
        catalog.close();
    }

    /** The installation's configuration file: {@code text}, with no probation (the tests need not wait). */
    private void writeConf(String text) throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/netsvc.properties"), "netsvc.probation=0s\n" + text);
    }

    private ServiceStatus status(String id) {
        return host.services().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    private int port(String id) {
        return status(id).endpoints().get(0).port();
    }

    private static boolean listens(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void reloadRestartsOnlyWhatChangedAndStartsOrStopsOnEnabled() throws IOException {
        int alpha = port("alpha");
        int beta = port("beta");
        assertEquals(List.of(), host.reload().lines(), "nothing changed");
        assertEquals(alpha, port("alpha"));

        writeConf("alpha.port=0\nalpha.level=7\nbeta.port=0\n");
        Host.Reload renewed = host.reload();
        assertEquals(List.of("alpha: new settings (level)"), renewed.lines());
        assertEquals(0, renewed.exitStatus());
        assertTrue(listens(port("alpha")), "the new instance listens (this test service binds a port 0 of its own)");
        assertEquals(beta, port("beta"), "beta untouched");

        writeConf("alpha.port=0\nalpha.level=7\nbeta.port=0\nbeta.enabled=false\nalpha.restart=never\n");
        assertEquals(List.of("alpha: restart policy changed", "beta: stopped (disabled)"), host.reload().lines());
        assertEquals(ServiceState.STOPPED, status("beta").state());
        assertTrue(!listens(beta));

        writeConf("alpha.port=0\nalpha.level=7\nbeta.port=0\n");
        assertEquals(List.of("alpha: restart policy changed", "beta: started (enabled)"), host.reload().lines());
        assertEquals(ServiceState.RUNNING, status("beta").state());
        assertTrue(listens(port("beta")));
    }

    /**
     * A disabled service an operator started by hand for this run gets its new settings at a reload like
     * an enabled one; one that is stopped is told they wait for its start.
     */
    @Test
    void aDisabledServiceStartedByHandTakesNewSettings() throws IOException {
        writeConf("alpha.port=0\nbeta.port=0\nbeta.enabled=false\n");
        assertEquals(List.of("beta: stopped (disabled)"), host.reload().lines());
        host.start("beta");
        assertEquals(ServiceState.RUNNING, status("beta").state());

        writeConf("alpha.port=0\nbeta.port=0\nbeta.enabled=false\nbeta.level=7\n");
        assertEquals(List.of("beta: new settings (level)"), host.reload().lines());
        assertEquals(ServiceState.RUNNING, status("beta").state());
        assertTrue(listens(port("beta")));

        host.stop("beta");
        writeConf("alpha.port=0\nbeta.port=0\nbeta.enabled=false\nbeta.level=8\n");
        assertEquals(List.of("beta: new settings (level) (it is stopped; they apply when it starts)"), host.reload().lines());
        assertEquals(ServiceState.STOPPED, status("beta").state());
    }

    /** A host with every service disabled runs, for plugins still to come or 'netsvc start'. */
    @Test
    void aHostWithEveryServiceDisabledWaitsForOne() throws IOException {
        host.close();
        writeConf("alpha.port=0\nbeta.port=0\nalpha.enabled=false\nbeta.enabled=false\n");
        host = new Host(catalog, new PluginFolderScanner(plugins, Duration.ZERO, Clock.systemUTC()),
                ConfigSources.installation(new Layout(home, home.resolve("conf"), plugins, home.resolve("run"))), Clock.systemUTC());
        assertEquals("netsvc ready: 0 of 0 services running", host.launch().readyLine());
        host.start("alpha");
        assertEquals(ServiceState.RUNNING, status("alpha").state());
        assertTrue(listens(port("alpha")));
    }

    @Test
    void aReloadThatDoesNotValidateChangesNothing() throws IOException {
        int alpha = port("alpha");
        writeConf("alpha.port=0\nalpha.level=70\nbeta.enabled=false\n");
        Host.Reload refused = host.reload();
        assertEquals(2, refused.exitStatus(), refused::toString);
        assertTrue(refused.failure().startsWith("invalid value for alpha.level"), refused::toString);
        assertEquals(alpha, port("alpha"));
        assertEquals(ServiceState.RUNNING, status("beta").state(), "refused whole: beta not stopped either");
    }

    @Test
    void ordersActOnOneServiceAndUnknownIdsNameTheKnownOnes() {
        host.stop("beta");
        assertEquals(ServiceState.STOPPED, status("beta").state());
        assertEquals(ServiceState.RUNNING, status("alpha").state());
        host.start("beta");
        assertEquals(ServiceState.RUNNING, status("beta").state());
        host.restart("alpha");
        assertEquals(ServiceState.RUNNING, status("alpha").state());
        UnknownServiceException e = assertThrows(UnknownServiceException.class, () -> host.stop("alhpa"));
        assertEquals("no service is called 'alhpa'; did you mean alpha? Services: alpha, beta", e.getMessage());
        assertTrue(host.statusDump().lines().anyMatch(l -> l.matches("alpha +running +tcp 127\\.0\\.0\\.1:\\d+ .*alpha 1\\.0\\.0.*")),
                host.statusDump());
    }

    @Test
    void removingAPluginStopsItsServices() throws IOException {
        int alpha = port("alpha");
        Files.delete(plugins.resolve("alpha-1.0.0.jar"));
        assertEquals(List.of("plugin alpha 1.0.0 removed", "warning: keys for alpha (alpha.port in conf/netsvc.properties)"
                + " are kept, waiting for a plugin that provides a service called 'alpha'"), host.reload().lines(),
                "its keys wait for it to come back, and block nothing");
        assertTrue(!listens(alpha));
        assertEquals(List.of("beta"), host.services().stream().map(ServiceStatus::id).toList());
    }
}
