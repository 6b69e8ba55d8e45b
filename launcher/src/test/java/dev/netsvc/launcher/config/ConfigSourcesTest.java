package dev.netsvc.launcher.config;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The installation's files: the main one required, conf.d in name order, instances, and the files values name. */
class ConfigSourcesTest {

    static final ConfigKey<Path> ROOT = ConfigKey.path("root", "www", "folder served").readsDirectory();
    static final ConfigKey<Path> QUOTES = ConfigKey.path("quotes", "quotes.txt", "file read").readsFile();
    static final ConfigKey<String> LOG = ConfigKey.string("log", "", "file appended to; empty: none").writesFile();

    @TempDir
    Path home;
    private Layout layout;
    private ServiceInfo web;

    @BeforeEach
    void install() throws IOException {
        layout = Layout.of(home);
        Files.createDirectories(home.resolve("conf/conf.d"));
        Files.createDirectories(home.resolve("www"));
        Files.writeString(home.resolve("quotes.txt"), "a quote\n");
        Files.writeString(layout.mainFile(), "web.port=8000\n");
        web = ServiceInfo.of(service("web", List.of(ROOT, QUOTES, LOG)), "web-plugin", "1.0.0");
    }

    private static NetService service(String id, List<ConfigKey<?>> keys) {
        return new NetService() {
            public String id() {
                return id;
            }

            public String description() {
                return id;
            }

            public Set<Transport> transports() {
                return Set.of(Transport.TCP);
            }

            public int defaultPort() {
                return 1000;
            }

            public List<ConfigKey<?>> configKeys() {
                return keys;
            }

            public RunningService start(ServiceContext context) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private Plan plan(String... sets) {
        Map<String, ServiceInfo> services = new LinkedHashMap<>();
        services.put("web", web);
        return new ConfigSources(layout, List.of(), List.of(sets), null, null, List.of()).plan(services);
    }

    private static ServicePlan of(Plan plan, String id) {
        return plan.service(id).orElseThrow();
    }

    @Test
    void confDFilesApplyInNameOrderAfterTheMainFileAndBeforeTheCommandLine() throws IOException {
        Files.writeString(home.resolve("conf/conf.d/20-late.properties"), "web.port=8020\n");
        Files.writeString(home.resolve("conf/conf.d/10-early.properties"), "web.port=8010\nweb.restart-limit=9\n");
        Files.writeString(home.resolve("conf/conf.d/30-ignored.properties.dpkg-old"), "web.port=8030\n");
        Files.writeString(home.resolve("conf/conf.d/.40-hidden.properties"), "web.port=8040\n");
        assertEquals(8020, of(plan(), "web").port());
        assertEquals(9, of(plan(), "web").restart().limit());
        assertEquals(8100, of(plan("web.port=8100"), "web").port());
    }

    @Test
    void theMainFileMissingOrAFolderIsAnErrorNamingIt() throws IOException {
        Files.delete(layout.mainFile());
        ConfigException missing = assertThrows(ConfigException.class, this::plan);
        assertEquals("cannot read configuration file " + layout.mainFile() + ": it does not exist", missing.getMessage());
        Files.createDirectories(layout.mainFile());
        ConfigException folder = assertThrows(ConfigException.class, this::plan);
        assertTrue(folder.getMessage().contains(layout.mainFile() + ": it is a directory"), folder.getMessage());
    }

    @Test
    void keysOfAnIdNoPluginProvidesWaitInOneWarningAndBlockNothing() throws IOException {
        Files.writeString(home.resolve("conf/conf.d/wordcount.properties"), "wordcount.port=9000\nwordcount.enabled=false\n");
        Plan plan = plan("wbe.port=1");
        assertEquals(List.of(
                "keys for wordcount (wordcount.enabled, wordcount.port in conf/conf.d/wordcount.properties) are kept,"
                        + " waiting for a plugin that provides a service called 'wordcount'",
                "keys for wbe (wbe.port in --set) are kept, waiting for a plugin that provides a service called 'wbe';"
                        + " did you mean web?"), plan.warnings());
        assertEquals(List.of("web"), plan.services().stream().map(ServicePlan::id).toList());
    }

    @Test
    void anInstanceIsAnotherIdOfTheSameServiceWithKeysOfItsOwn() {
        Plan plan = plan("web2.instance-of=web", "web2.port=8001", "web2.restart=never");
        ServicePlan second = of(plan, "web2");
        assertSame(web.service(), second.service().service(), "the same service");
        assertEquals("web", second.service().instanceOf());
        assertEquals(8001, second.port());
        assertEquals(8000, of(plan, "web").port(), "the service itself keeps its own keys");
        ConfigException clash = assertThrows(ConfigException.class, () -> plan("web2.instance-of=web", "web2.port=8000"));
        assertTrue(clash.getMessage().contains("web and web2 are both configured on tcp 127.0.0.1:8000"), clash.getMessage());
        ConfigException self = assertThrows(ConfigException.class, () -> plan("web.instance-of=web"));
        assertTrue(self.getMessage().contains("web is a service of plugin web-plugin"), self.getMessage());
        assertEquals(List.of("keys for later (later.instance-of in --set) are kept, waiting for a plugin that provides a"
                + " service called 'later'"), plan("later.instance-of=wordcount").warnings(), "an instance of an absent service waits");
    }

    @Test
    void theFilesAndFoldersValuesNameAreCheckedBeforeAnythingStarts() throws IOException {
        ConfigException root = assertThrows(ConfigException.class, () -> plan("web.root=/nonexistent"));
        assertEquals("web.root", root.key());
        assertEquals("web.root (--set): /nonexistent does not exist", root.getMessage());
        ConfigException notFolder = assertThrows(ConfigException.class, () -> plan("web.root=quotes.txt"));
        assertEquals("web.root (--set): " + home.resolve("quotes.txt") + " is not a folder", notFolder.getMessage());
        ConfigException file = assertThrows(ConfigException.class, () -> plan("web.quotes=www"));
        assertEquals("web.quotes (--set): " + home.resolve("www") + " is a folder; a file is expected", file.getMessage());
        plan("web.log=logs/new.log"); // a file to create in a folder to create, under a writable home
        ConfigException log = assertThrows(ConfigException.class, () -> plan("web.log=quotes.txt/web.log"));
        assertEquals("web.log (--set): " + home.resolve("quotes.txt/web.log") + " cannot be created: "
                + home.resolve("quotes.txt") + " is not a folder", log.getMessage());
        plan("web.enabled=false", "web.root=/nonexistent"); // a disabled service's files are not its business yet
    }

    @Test
    void aFileAKeyNamesForReadingIsPartOfTheServicesSettings() throws IOException {
        ServicePlan before = of(plan(), "web");
        assertTrue(before.sameRuntime(of(plan(), "web")), "nothing changed");
        Files.writeString(home.resolve("quotes.txt"), "another quote\n");
        ServicePlan after = of(plan(), "web");
        assertTrue(!after.sameRuntime(before), "the file a key names changed: a reload renews the service");
        assertEquals(before.ownText(), after.ownText(), "though no key did");
    }
}
