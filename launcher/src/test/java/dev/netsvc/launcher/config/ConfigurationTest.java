package dev.netsvc.launcher.config;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.FileErrors;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.access.AccessKeys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigurationTest {

    static final ConfigKey<Integer> DEPTH = ConfigKey.integer("depth", 3, 1, 10, "how deep");

    private static ServiceInfo service(String id, int port) {
        return service(id, port, Set.of(Transport.TCP), List.of(DEPTH));
    }

    private static ServiceInfo service(String id, int port, Set<Transport> transports, List<ConfigKey<?>> keys) {
        NetService s = new NetService() {
            public String id() {
                return id;
            }

            public String description() {
                return id;
            }

            public Set<Transport> transports() {
                return transports;
            }

            public int defaultPort() {
                return port;
            }

            public List<ConfigKey<?>> configKeys() {
                return keys;
            }

            public RunningService start(ServiceContext context) {
                throw new UnsupportedOperationException();
            }
        };
        return ServiceInfo.of(s, "p");
    }

    private static Configuration config() {
        Map<String, ServiceInfo> services = new LinkedHashMap<>();
        services.put("alpha", service("alpha", 1000));
        services.put("beta", service("beta", 2000));
        return new Configuration(services);
    }

    private static ServicePlan plan(Plan plan, String id) {
        return plan.services().stream().filter(s -> s.service().id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void defaults() throws Exception {
        Plan plan = config().plan();
        assertEquals(2, plan.enabled().size());
        assertEquals(1000, plan(plan, "alpha").port());
        assertEquals(InetAddress.getByName("127.0.0.1"), plan(plan, "alpha").bind());
        assertEquals(3, plan(plan, "alpha").settings().get(DEPTH));
        assertEquals(Duration.ofSeconds(5), plan.shutdownGrace());
    }

    @Test
    void laterLayersWin(@TempDir Path tmp) throws IOException {
        Path base = Files.writeString(tmp.resolve("base.properties"), "alpha.depth=4\nalpha.port=1001\nbeta.depth=5\n");
        Path over = Files.writeString(tmp.resolve("over.properties"), "alpha.depth=6\n");
        Plan plan = config().addFile(base).addFile(over).addSetting("alpha.port=1002").plan();
        assertEquals(6, plan(plan, "alpha").settings().get(DEPTH));
        assertEquals(1002, plan(plan, "alpha").port());
        assertEquals(5, plan(plan, "beta").settings().get(DEPTH));
    }

    @Test
    void defaultBindIsBelowAServicesOwnBind() throws Exception {
        Plan plan = config().addSetting("beta.bind=::1").defaultBind("0.0.0.0").plan();
        assertEquals(InetAddress.getByName("0.0.0.0"), plan(plan, "alpha").bind());
        assertEquals(InetAddress.getByName("::1"), plan(plan, "beta").bind());
    }

    @Test
    void enableAndDisable() {
        assertEquals(List.of("beta"), config().enableOnly(List.of("beta")).plan().enabled().stream().map(p -> p.service().id()).toList());
        assertEquals(List.of("alpha"), config().disable(List.of("beta")).plan().enabled().stream().map(p -> p.service().id()).toList());
        Plan off = config().addSetting("alpha.enabled=false").plan();
        assertFalse(plan(off, "alpha").enabled());
        ConfigException e = assertThrows(ConfigException.class, () -> config().enableOnly(List.of("gamma")).plan());
        assertTrue(e.getMessage().contains("'gamma'") && e.getMessage().contains("alpha, beta"), e.getMessage());
    }

    /** A plugin dropped into a running host whose service is disabled says why, and how to start it. */
    @Test
    void aDisabledServiceOfAPluginDroppedInSaysWhy() {
        assertEquals(List.of("alpha is disabled (--enable): not started; 'netsvc start alpha' starts it for this run"),
                config().enableOnly(List.of("beta")).part().plan().warnings());
        assertEquals(List.of("beta is disabled (beta.enabled=false): not started; 'netsvc start beta' starts it for this run"),
                config().addSetting("beta.enabled=false").part().plan().warnings());
        assertEquals(List.of(), config().enableOnly(List.of("beta")).plan().warnings(), "at launch, --enable says it all");
    }

    @Test
    void typosAreErrorsThatNameTheKeyAndSuggest(@TempDir Path tmp) throws IOException {
        ConfigException unknown = assertThrows(ConfigException.class, () -> config().addSetting("alpha.dept=2").plan());
        assertEquals("alpha.dept", unknown.key());
        assertTrue(unknown.getMessage().contains("did you mean alpha.depth?"), unknown.getMessage());

        // a key of an id no plugin provides waits for one, named in a warning that says what is close
        Plan parked = config().addSetting("alpah.depth=2").plan();
        assertEquals(List.of("keys for alpah (alpah.depth in --set) are kept, waiting for a plugin that provides a service"
                + " called 'alpah'; did you mean alpha?"), parked.warnings());

        Path file = Files.writeString(tmp.resolve("typo.properties"), "netsvc.bnd=0.0.0.0\n");
        ConfigException launcher = assertThrows(ConfigException.class, () -> config().addFile(file).plan());
        assertTrue(launcher.getMessage().contains("netsvc.bnd") && launcher.getMessage().contains(file.toString())
                && launcher.getMessage().contains("netsvc.bind"), launcher.getMessage());

        ConfigException noEquals = assertThrows(ConfigException.class, () -> config().addSetting("alpha.depth"));
        assertTrue(noEquals.getMessage().contains("KEY=VALUE"), noEquals.getMessage());
    }

    @Test
    void invalidValuesSayWhatIsValidAndWhereTheyCameFrom() {
        ConfigException e = assertThrows(ConfigException.class, () -> config().addSetting("beta.port=-1").plan());
        assertTrue(e.getMessage().contains("beta.port") && e.getMessage().contains("0..65535") && e.getMessage().contains("--set"),
                e.getMessage());
        ConfigException grace = assertThrows(ConfigException.class, () -> config().addSetting("netsvc.shutdown-grace=1d").plan());
        assertTrue(grace.getMessage().contains("netsvc.shutdown-grace"), grace.getMessage());
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstKey(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("bom.properties");
        Files.write(file, "\uFEFFalpha.depth=7\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(7, plan(config().addFile(file).plan(), "alpha").settings().get(DEPTH));
    }

    @Test
    void aFileThatIsNotUtf8NamesTheLineAndColumn(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("latin1.properties");
        Files.write(file, "alpha.depth=4\n# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        ConfigException e = assertThrows(ConfigException.class, () -> config().addFile(file));
        assertEquals("configuration file " + file + " is not UTF-8: line 2, column 6 (byte 0xE9 at offset 19);"
                + " save it as UTF-8", e.getMessage());
    }

    @Test
    void aFileThatCannotBeReadSaysWhyNotWhere(@TempDir Path tmp) throws Exception {
        ConfigException dir = assertThrows(ConfigException.class, () -> config().addFile(tmp, "--config"));
        assertEquals("--config", dir.key());
        assertEquals("--config: cannot read configuration file " + tmp + ": it is a directory; give the properties file"
                + " itself", dir.getMessage());

        Path missing = tmp.resolve("missing.properties");
        ConfigException none = assertThrows(ConfigException.class, () -> config().addFile(missing, "--config"));
        assertEquals("--config: cannot read configuration file " + missing + ": it does not exist", none.getMessage());

        Path fifo = tmp.resolve("pipe.properties");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        ConfigException pipe = assertThrows(ConfigException.class, () -> config().addFile(fifo, "--config"));
        assertTrue(pipe.getMessage().endsWith(": it is not a regular file (a pipe or a device?)"), pipe.getMessage());
    }

    @Test
    void fileErrorsAreNamedInPlainWords() {
        // root reads every file, so an unreadable one is shown by the distribution test run as 'nobody'
        assertEquals("permission denied", FileErrors.reason(new AccessDeniedException("/etc/x.properties")));
        assertEquals("it does not exist", FileErrors.reason(new NoSuchFileException("/etc/x.properties")));
        assertEquals("it is a directory, not a file",
                FileErrors.reason(new FileSystemException("/etc", null, "Is a directory")));
    }

    @Test
    void configurationFilesMergeInOrder(@TempDir Path tmp) throws IOException {
        Path a = Files.writeString(tmp.resolve("a.properties"), "alpha.depth=4\nbeta.depth=4\n");
        Path b = Files.writeString(tmp.resolve("b.properties"), "beta.depth=9\n");
        Plan plan = config().addFile(a, "--config").addFile(b, "--config").plan();
        assertEquals(4, plan(plan, "alpha").settings().get(DEPTH));
        assertEquals(9, plan(plan, "beta").settings().get(DEPTH));
    }

    @Test
    void everyServiceHasTheAccessKeysAndABadEntryNamesTheKeyAndTheEntry() {
        Plan plan = config().addSetting("alpha.only-from=127.0.0.0/8, ::1").addSetting("beta.per-source=3").plan();
        assertEquals(2, plan(plan, "alpha").settings().get(AccessKeys.ONLY_FROM).size());
        assertEquals(3, plan(plan, "beta").settings().get(AccessKeys.PER_SOURCE));
        ConfigException e = assertThrows(ConfigException.class, () -> config().addSetting("alpha.only-from=10.0.0.0/33").plan());
        assertEquals("alpha.only-from", e.key());
        assertTrue(e.getMessage().contains("alpha.only-from: '10.0.0.0/33' is not a CIDR block: prefix 33 > 32")
                && e.getMessage().contains("--set"), e.getMessage());
    }

    @Test
    void theUdpPortsAndConnectionLimitsOfTheEnabledServices() {
        ConfigKey<Integer> max = ConfigKey.integer("max-connections", 50, 1, 100, "limit");
        Map<String, ServiceInfo> services = new LinkedHashMap<>();
        services.put("tcp-only", service("tcp-only", 1000, Set.of(Transport.TCP), List.of(max)));
        services.put("both", service("both", 2000, Set.of(Transport.TCP, Transport.UDP), List.of(max)));
        services.put("udp-off", service("udp-off", 3000, Set.of(Transport.UDP), List.of()));
        services.put("udp-any", service("udp-any", 4000, Set.of(Transport.UDP), List.of()));
        Plan plan = new Configuration(services).addSetting("udp-off.enabled=false")
                .addSetting("udp-any.port=0").addSetting("both.port=2002").addSetting("both.max-connections=70").plan();
        assertEquals(Set.of(2002), plan.udpPorts(), "enabled UDP services with a fixed port");
        assertEquals(Map.of("tcp-only", 50, "both", 70), plan.maxConnections());
    }

    @Test
    void connectionLimitDefaultsShareWhatTheOpenFilesLimitLeavesAndSetOnesStay() {
        ConfigKey<Integer> max = ConfigKey.integer("max-connections", 1000, 1, 100_000, "limit");
        Map<String, ServiceInfo> services = new LinkedHashMap<>();
        services.put("big", service("big", 1000, Set.of(Transport.TCP), List.of(max)));
        services.put("small", service("small", 2000, Set.of(Transport.TCP), List.of(ConfigKey.integer("max-connections", 100, 1, 100_000, "limit"))));
        services.put("set", service("set", 3000, Set.of(Transport.TCP), List.of(max)));
        services.put("off", service("off", 4000, Set.of(Transport.TCP), List.of(max)));
        Plan plan = new Configuration(services).addSetting("set.max-connections=300").addSetting("off.enabled=false").plan();
        // 1,400 connections and the reserve of 128 fit in 2,000: nothing changes
        assertEquals(plan.services(), ConnectionBudget.fit(plan.services(), java.util.OptionalLong.of(2000)));
        // in 978 (128 reserved, 300 set): the defaults share 550 as 1000 : 100
        Plan fitted = new Plan(ConnectionBudget.fit(plan.services(), java.util.OptionalLong.of(978)), plan.host(), plan.parked(),
                plan.fileWarnings());
        assertEquals(Map.of("big", 500, "small", 50, "set", 300), fitted.maxConnections());
        assertEquals(plan.service("big").orElseThrow().ownText(), fitted.service("big").orElseThrow().ownText(),
                "the configured text stays: a reload sees no change");
        // not even the set ones fit: nothing to share, the host warns
        assertEquals(plan.services(), ConnectionBudget.fit(plan.services(), java.util.OptionalLong.of(300)));
    }

    @Test
    void restartPolicyAndHostKeys() throws Exception {
        Plan plan = config().addSetting("alpha.restart=always").addSetting("alpha.restart-limit=9")
                .addSetting("alpha.restart-window=5m").addSetting("admin.port=0").addSetting("admin.socket=/run/x.sock")
                .defaultBind("0.0.0.0").plan();
        assertEquals(new RestartPolicy(RestartPolicy.Mode.ALWAYS, 9, Duration.ofMinutes(5)), plan(plan, "alpha").restart());
        assertEquals(RestartPolicy.DEFAULT, plan(plan, "beta").restart());
        assertEquals(0, plan.host().adminPort());
        assertEquals(Path.of("/run/x.sock"), plan.host().adminSocket());
        assertEquals(InetAddress.getByName("127.0.0.1"), plan.host().adminBind(), "--bind never moves the admin endpoint");
        ConfigException bad = assertThrows(ConfigException.class, () -> config().addSetting("alpha.restart=sometimes").plan());
        assertEquals("alpha.restart", bad.key());
        ConfigException typo = assertThrows(ConfigException.class, () -> config().addSetting("admin.prot=1").plan());
        assertTrue(typo.getMessage().contains("did you mean admin.port?"), typo.getMessage());
    }

    @Test
    void twoServicesOnOneAddressPortAndTransportClash() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> config().addSetting("alpha.port=7100").addSetting("beta.port=7100").plan());
        assertEquals("alpha and beta are both configured on tcp 127.0.0.1:7100; give one of them another port or address",
                e.getMessage());
        ConfigException wildcard = assertThrows(ConfigException.class, () -> config().addSetting("alpha.port=7100")
                .addSetting("beta.port=7100").addSetting("beta.bind=::").plan());
        assertTrue(wildcard.getMessage().contains("overlaps"), wildcard.getMessage());
        ConfigException admin = assertThrows(ConfigException.class, () -> config().addSetting("alpha.port=9111").plan());
        assertTrue(admin.getMessage().contains("the admin endpoint (admin.port)"), admin.getMessage());
        // different addresses, port 0, or a disabled service: no clash
        config().addSetting("alpha.port=7100").addSetting("beta.port=7100").addSetting("beta.bind=127.0.0.2").plan();
        config().addSetting("alpha.port=0").addSetting("beta.port=0").plan();
        config().addSetting("alpha.port=7100").addSetting("beta.port=7100").disable(List.of("beta")).plan();
    }

    @Test
    void effectiveConfigurationNamesEverySource(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("site.properties"), "alpha.depth=4\n");
        Configuration config = config().addFile(file, "--config").addSetting("beta.port=0").defaultBind("::1")
                .disable(List.of("alpha"));
        config.plan();
        Map<String, Effective> byKey = new LinkedHashMap<>();
        config.effective().forEach(e -> byKey.put(e.key(), e));
        assertEquals(new Effective("alpha.depth", "4", "--config " + file), byKey.get("alpha.depth"));
        assertEquals(new Effective("beta.port", "0", "--set"), byKey.get("beta.port"));
        assertEquals(new Effective("alpha.port", "1000", "default"), byKey.get("alpha.port"));
        assertEquals(new Effective("alpha.enabled", "false", "--disable"), byKey.get("alpha.enabled"));
        assertEquals(new Effective("beta.bind", "::1", "--bind (netsvc.bind)"), byKey.get("beta.bind"));
        assertEquals(new Effective("admin.port", "9111", "default"), byKey.get("admin.port"));
        assertEquals(new Effective("beta.restart", "on-failure", "default"), byKey.get("beta.restart"));
        assertEquals(byKey.keySet().stream().sorted().toList(), List.copyOf(byKey.keySet()), "sorted by key");
    }
}
