package dev.netsvc.launcher.plugins;

import dev.netsvc.launcher.PluginJars;
import dev.netsvc.launcher.config.Configuration;
import dev.netsvc.launcher.config.ServiceInfo;
import dev.netsvc.launcher.supervisor.Supervisor;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deploy, replace and remove real plugin jars through the scanner, with real sockets on loopback. */
class LivePluginsTest {

    @TempDir
    static Path jars;
    static Path v1;
    static Path v2;
    static Path throwsInStart;
    static Path bundlesCore;
    static Path future;

    @TempDir
    Path plugins;
    @TempDir
    Path stage;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private PluginCatalog live;
    private PluginFolderScanner scanner;
    private Supervisor supervisor;
    private Deployment deployment;
    private int lastPort;

    /** A service that answers every connection with "<version>\n" and closes. */
    static String versionService(String version, String startBody) {
        return """
                package t.ver;
                import dev.netsvc.core.*;
                import dev.netsvc.core.net.BlockingTcpServer;
                import java.time.Duration;
                import java.util.*;
                @org.pf4j.Extension
                public class Ver implements NetService {
                    public String id() { return "ver-svc"; }
                    public String description() { return "says its version"; }
                    public Set<Transport> transports() { return Set.of(Transport.TCP); }
                    public int defaultPort() { return 1; }
                    public RunningService start(ServiceContext ctx) throws java.io.IOException {
                        %s
                        BlockingTcpServer server = BlockingTcpServer.start(ctx, new BlockingTcpServer.Limits(64, Duration.ZERO),
                                connection -> connection.output().write("%s\\n".getBytes()));
                        return new RunningService() {
                            public List<Endpoint> endpoints() { return List.of(server.endpoint()); }
                            public void stop(Duration grace) { server.stop(grace); }
                        };
                    }
                }
                """.formatted(startBody, version);
    }

    static Path build(String name, String version, String startBody, Map<String, String> manifest) throws IOException {
        Path dir = Files.createDirectories(jars.resolve(name));
        Map<String, String> mf = new LinkedHashMap<>(manifest);
        mf.put("Plugin-Version", version);
        return PluginJars.build(dir, "ver", Map.of("t.ver.Ver", versionService(version, startBody)), mf);
    }

    @BeforeAll
    static void buildJars() throws IOException {
        v1 = build("v1", "1.0.0", "", Map.of());
        v2 = build("v2", "2.0.0", "", Map.of());
        throwsInStart = build("throws", "3.0.0", "if (true) throw new IllegalStateException(\"start says no\");", Map.of());
        future = build("future", "4.0.0", "", Map.of("Plugin-Requires", ">=99.0.0"));
        bundlesCore = build("bundles", "5.0.0", "", Map.of());
        Path withCore = bundlesCore.resolveSibling("with-core.jar");
        try (var in = new java.util.jar.JarInputStream(Files.newInputStream(bundlesCore));
             var out = new java.util.jar.JarOutputStream(Files.newOutputStream(withCore), in.getManifest())) {
            for (var e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                out.putNextEntry(new java.util.jar.JarEntry(e.getName()));
                in.transferTo(out);
            }
            out.putNextEntry(new java.util.jar.JarEntry("dev/netsvc/core/NetService.class"));
            out.write(new byte[]{(byte) 0xCA, (byte) 0xFE});
        }
        bundlesCore = withCore;
    }

    @BeforeEach
    void start() throws IOException {
        live = new PluginCatalog(new PluginStaging(stage), "0.1.0", clock, PluginJars.QUIET);
        supervisor = new Supervisor(clock, plugins, Duration.ofSeconds(2));
        supervisor.addDeathListener(live::died);
        deployment = new ServiceDeployment(supervisor, services -> {
            Configuration c = new Configuration(services);
            services.keySet().forEach(id -> c.addSetting(id + ".port=0"));
            return c.plan();
        });
        scanner = new PluginFolderScanner(plugins, Duration.ofSeconds(1), clock);
    }

    @AfterEach
    void stop() {
        supervisor.stopAll();
        live.close();
        if (lastPort != 0) {
            assertTrue(assertThrowsConnect(lastPort), "every listening socket closed");
        }
    }

    /** The port the service listens on now. */
    private int port(String id) {
        lastPort = supervisor.statuses().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow()
                .endpoints().get(0).port();
        return lastPort;
    }

    private java.util.Optional<PluginGeneration> generation(String id) {
        return live.generations().stream().filter(g -> g.pluginId().equals(id)).findFirst();
    }

    private void put(Path jar, String name) throws IOException {
        Files.copy(jar, plugins.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        settle();
    }

    private void settle() throws IOException {
        live.apply(scanner.scan(), deployment);
        clock.advance(Duration.ofSeconds(1));
        live.apply(scanner.scan(), deployment);
    }

    private static String ask(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
    }

    private String version() {
        return generation("ver").map(PluginGeneration::version).orElse(null);
    }

    @Test
    void addReplaceAndRemoveWithoutARefusedConnection() throws Exception {
        put(v1, "ver-1.0.0.jar");
        assertEquals("1.0.0", version());
        int port = port("ver-svc");
        assertEquals("1.0.0", ask(port));

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answers = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<String> last = new AtomicReference<>();
        Thread client = Thread.ofPlatform().start(() -> {
            while (running.get() && failure.get() == null) {
                try {
                    String answer = ask(port);
                    if (answer.isEmpty()) {
                        throw new IOException("connection closed without an answer");
                    }
                    last.set(answer);
                    answers.incrementAndGet();
                } catch (IOException e) {
                    failure.set(e);
                }
            }
        });
        Await.until(Duration.ofSeconds(10), "answers from 1.0.0", () -> answers.get() > 20);
        Files.copy(v2, plugins.resolve("ver-1.0.0.jar"), StandardCopyOption.REPLACE_EXISTING); // overwritten in place
        settle();
        assertEquals("2.0.0", version());
        int before = answers.get();
        Await.until(Duration.ofSeconds(10), "answers from 2.0.0", () -> "2.0.0".equals(last.get()) && answers.get() > before + 20);
        running.set(false);
        client.join(10_000);
        assertNull(failure.get(), () -> "a client failed during the swap: " + failure.get());
        assertEquals(port, port("ver-svc"), "the same listening socket");
        assertEquals(2, live.deploys());

        Files.delete(plugins.resolve("ver-1.0.0.jar"));
        settle();
        assertNull(version());
        assertTrue(assertThrowsConnect(port), "port closed after remove");
    }

    private static boolean assertThrowsConnect(int port) {
        try {
            ask(port);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aReplacementThatFailsLeavesTheOldOneServing() throws Exception {
        put(v1, "ver.jar");
        int port = port("ver-svc");
        Files.write(plugins.resolve("ver.jar"), "corrupt, not a zip".getBytes());
        settle();
        assertEquals("1.0.0", ask(port));
        put(throwsInStart, "ver.jar");
        assertEquals("1.0.0", ask(port));
        put(future, "ver.jar");
        put(bundlesCore, "ver.jar");
        assertEquals("1.0.0", version());
        assertEquals("1.0.0", ask(port));
        assertEquals(4, live.failedDeploys());
        settle(); // unchanged: not retried
        assertEquals(4, live.failedDeploys());
        assertEquals(1, live.deploys());
    }

    @Test
    void aReplacementWhoseServiceDiesOnProbationGivesWayToTheOldVersionOnTheSamePort() throws Exception {
        put(v1, "ver.jar");
        int port = port("ver-svc");
        put(v2, "ver.jar");
        assertEquals("2.0.0", ask(port));
        assertTrue(live.onProbation("ver"));
        ServiceInfo dying = generation("ver").orElseThrow().services().get(0);

        live.died(dying, "accept loop lost");
        Await.until(Duration.ofSeconds(10), "1.0.0 back", () -> "1.0.0".equals(version()));
        assertEquals("1.0.0", ask(port), "the old version serves again, on the same port");
        assertFalse(live.onProbation("ver"));
        assertEquals(1, live.failedDeploys());
        settle(); // the jar that died is not retried until it changes
        assertEquals("1.0.0", version());

        put(v2, "ver-again.jar"); // the same content under another name is another try
        assertEquals("2.0.0", version());
        clock.advance(PluginCatalog.PROBATION);
        live.endDueProbations();
        assertFalse(live.onProbation("ver"), "probation over: a death now is the supervisor's business");
        live.died(generation("ver").orElseThrow().services().get(0), "later");
        assertEquals("2.0.0", version());
    }

    @Test
    void theHigherVersionWinsAndTheOtherTakesOverWhenItGoes() throws Exception {
        put(v2, "ver-2.0.0.jar");
        put(v1, "ver-1.0.0.jar");
        assertEquals("2.0.0", version());
        assertEquals("2.0.0", ask(port("ver-svc")));
        Files.delete(plugins.resolve("ver-2.0.0.jar"));
        settle();
        assertEquals("1.0.0", version());
        assertEquals("1.0.0", ask(port("ver-svc")));
    }

    @Test
    void aRemovedPluginsClassLoaderIsCollected() throws Exception {
        put(v1, "ver.jar");
        WeakReference<ClassLoader> loader = generation("ver").orElseThrow().loader();
        assertEquals("1.0.0", ask(port("ver-svc")));
        Files.delete(plugins.resolve("ver.jar"));
        settle();
        for (int i = 0; i < 50 && loader.get() != null; i++) {
            System.gc();
            Thread.sleep(20); // gives the collector time; bounded: 50 rounds
        }
        assertNull(loader.get(), "the removed plugin's class loader is still reachable");
        clock.advance(LoaderLeaks.LEAK_AFTER);
        assertEquals(0, live.uncollectedClassLoaders());
        try (var staged = Files.list(stage)) {
            assertEquals(0, staged.count(), "staged copies deleted");
        }
    }
}
