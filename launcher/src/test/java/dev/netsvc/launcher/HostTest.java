package dev.netsvc.launcher;

import dev.netsvc.core.ConfigException;

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
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The long-lived host with real plugin jars: launch, orders, reload. */
class HostTest {

    @TempDir
    static Path plugins;
    @TempDir
    Path home;

    private PluginHost pluginHost;
    private Host host;

    @BeforeAll
    static void buildPlugins() {
        PluginJars.build(plugins, "alpha", Map.of("t.alpha.Alpha", PluginJars.listeningService("t.alpha", "Alpha", "alpha", "")),
                Map.of());
        PluginJars.build(plugins, "beta", Map.of("t.beta.Beta", PluginJars.listeningService("t.beta", "Beta", "beta", "")),
                Map.of());
    }

    @BeforeEach
    void launch() throws IOException {
        writeConf("alpha.port=0\nbeta.port=0\n");
        pluginHost = new PluginHost(plugins, "0.1.0");
        pluginHost.load();
        host = new Host(pluginHost, new RunOptions(home, plugins, List.of(), List.of(), null, null, List.of()), Clock.systemUTC());
        Host.Launch launch = host.launch();
        assertEquals("netsvc ready: 2 of 2 services running", launch.readyLine());
    }

    @AfterEach
    void close() {
        host.close();
        pluginHost.close();
    }

    private void writeConf(String text) throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/netsvc.properties"), text);
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
        assertEquals(List.of(), host.reload().changes(), "nothing changed");
        assertEquals(alpha, port("alpha"));

        writeConf("alpha.port=0\nalpha.level=7\nbeta.port=0\n");
        assertEquals(List.of("alpha restarted (settings changed)"), host.reload().changes());
        assertNotEquals(alpha, port("alpha"), "restarted: a new port 0");
        assertEquals(beta, port("beta"), "beta untouched");

        writeConf("alpha.port=0\nalpha.level=7\nbeta.port=0\nbeta.enabled=false\nalpha.restart=never\n");
        assertEquals(List.of("alpha restart policy changed", "beta stopped (disabled)"), host.reload().changes());
        assertEquals(ServiceState.STOPPED, status("beta").state());
        assertTrue(!listens(beta));

        writeConf("alpha.port=0\nalpha.level=7\nbeta.port=0\n");
        assertEquals(List.of("alpha restart policy changed", "beta started (enabled)"), host.reload().changes());
        assertEquals(ServiceState.RUNNING, status("beta").state());
        assertTrue(listens(port("beta")));
    }

    @Test
    void aReloadThatDoesNotValidateChangesNothing() throws IOException {
        int alpha = port("alpha");
        writeConf("alpha.port=0\nalpha.level=70\nbeta.enabled=false\n");
        ConfigException e = host.reload().refused().orElseThrow();
        assertEquals("alpha.level", e.key());
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
        Host.UnknownServiceException e = assertThrows(Host.UnknownServiceException.class, () -> host.stop("alhpa"));
        assertEquals("no service is called 'alhpa'; did you mean alpha? Services: alpha, beta", e.getMessage());
        assertTrue(host.statusDump().lines().anyMatch(l -> l.matches("alpha +running +tcp 127\\.0\\.0\\.1:\\d+ .*alpha 1\\.0\\.0.*")),
                host.statusDump());
    }

    @Test
    void removingAPluginStopsItsServices() {
        int alpha = port("alpha");
        assertEquals(List.of("alpha"), host.removePlugin("alpha"));
        assertTrue(!listens(alpha));
        assertEquals(List.of("beta"), host.services().stream().map(ServiceStatus::id).toList());
    }
}
