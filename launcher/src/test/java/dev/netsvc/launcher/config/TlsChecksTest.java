package dev.netsvc.launcher.config;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.testkit.TestCertificates;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TLS and PROXY keys are checked when the configuration is (run, check and reload share it): each
 * problem names the key, the file and what is wrong; what works but should be fixed is a warning; a
 * UDP-only service has none of the keys and says why.
 */
class TlsChecksTest {

    @TempDir
    Path home;
    private TestCertificates.Authority ca;
    private TestCertificates.Issued server;

    @BeforeEach
    void certificates() {
        ca = TestCertificates.authority("check CA");
        server = ca.issue("localhost", List.of("localhost"));
        server.writeChain(home.resolve("cert.pem"));
        server.writeKey(home.resolve("key.pem"));
    }

    private static ServiceInfo service(String id, Set<Transport> transports) {
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
                return 1000;
            }

            public List<ConfigKey<?>> configKeys() {
                return List.of();
            }

            public RunningService start(ServiceContext context) {
                throw new UnsupportedOperationException();
            }
        };
        return ServiceInfo.of(s, "p");
    }

    private Configuration config(String... settings) {
        Map<String, ServiceInfo> services = new LinkedHashMap<>();
        services.put("web", service("web", Set.of(Transport.TCP)));
        services.put("quotes", service("quotes", Set.of(Transport.UDP)));
        Configuration c = new Configuration(services).checkingFilesAgainst(home);
        for (String s : settings) {
            c.addSetting(s);
        }
        return c;
    }

    private ConfigException refused(String... settings) {
        return assertThrows(ConfigException.class, () -> config(settings).plan());
    }

    @Test
    void aCertificateAndItsKeyArePlanned() {
        Plan plan = config("web.tls.cert=cert.pem", "web.tls.key=key.pem").plan();
        assertEquals(List.of(), plan.warnings());
        assertTrue(plan.service("web").orElseThrow().files().containsKey("tls.cert"), "the certificate's content is part of the settings");
    }

    @Test
    void eachProblemNamesTheKeyTheFileAndWhatIsWrong() throws Exception {
        ConfigException missing = refused("web.tls.cert=nowhere.pem", "web.tls.key=key.pem");
        assertEquals("web.tls.cert", missing.key());
        assertTrue(missing.getMessage().contains("nowhere.pem") && missing.getMessage().contains("does not exist"), missing.getMessage());

        Files.writeString(home.resolve("junk.pem"), "not a certificate\n");
        ConfigException notPem = refused("web.tls.cert=junk.pem", "web.tls.key=key.pem");
        assertTrue(notPem.getMessage().contains("junk.pem") && notPem.getMessage().contains("is not PEM"), notPem.getMessage());

        ca.issue("other", List.of("other")).writeKey(home.resolve("other.key"));
        ConfigException mismatch = refused("web.tls.cert=cert.pem", "web.tls.key=other.key");
        assertEquals("web.tls.key", mismatch.key());
        assertTrue(mismatch.getMessage().contains("is not the key of the certificate"), mismatch.getMessage());
        assertTrue(mismatch.getMessage().contains("--set"), "where the key was set: " + mismatch.getMessage());

        ConfigException noKey = refused("web.tls.cert=cert.pem");
        assertEquals("web.tls.key", noKey.key());

        ConfigException keyForCert = refused("web.tls.cert=key.pem", "web.tls.key=key.pem");
        assertTrue(keyForCert.getMessage().contains("holds no PEM certificate"), keyForCert.getMessage());

        ConfigException noCa = refused("web.tls.cert=cert.pem", "web.tls.key=key.pem", "web.tls.client-auth=need");
        assertEquals("web.tls.client-ca", noCa.key());

        ConfigException noProxyFrom = refused("web.proxy-protocol=v2");
        assertEquals("web.proxy-from", noProxyFrom.key());
    }

    @Test
    void anExpiredCertificateIsRefusedAndOneThatExpiresSoonIsAWarning() {
        Instant now = Instant.now();
        TestCertificates.Issued expired = ca.issue("old", List.of("old"), now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)), "EC");
        expired.writeChain(home.resolve("old.pem"));
        expired.writeKey(home.resolve("old.key"));
        ConfigException e = refused("web.tls.cert=old.pem", "web.tls.key=old.key");
        assertTrue(e.getMessage().contains("expired on"), e.getMessage());

        TestCertificates.Issued soon = ca.issue("soon", List.of("soon"), now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(5)), "RSA");
        soon.writeChain(home.resolve("soon.pem"));
        soon.writeKey(home.resolve("soon.key"), TestCertificates.KeyFormat.PKCS1);
        Plan plan = config("web.tls.cert=soon.pem", "web.tls.key=soon.key").plan();
        assertEquals(1, plan.warnings().size(), plan.warnings().toString());
        assertTrue(plan.warnings().get(0).startsWith("web.tls.cert: ") && plan.warnings().get(0).contains("expires on"),
                plan.warnings().toString());
    }

    @Test
    void aKeyOtherUsersCanReadIsAWarningAndNeverQuoted() throws Exception {
        Path key = home.resolve("key.pem");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        server.writeKey(home.resolve("sec1.key"), TestCertificates.KeyFormat.SEC1);
        Files.setPosixFilePermissions(home.resolve("sec1.key"), PosixFilePermissions.fromString("rw-r--r--"));
        Plan plan = config("web.tls.cert=cert.pem", "web.tls.key=sec1.key").plan();
        assertEquals(1, plan.warnings().size(), plan.warnings().toString());
        assertTrue(plan.warnings().get(0).contains("can be read by every user"), plan.warnings().get(0));
        String keyText = Files.readString(key);
        String body = keyText.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        assertTrue(plan.warnings().stream().noneMatch(w -> w.contains(body.substring(0, 16))), "no key material in a message");
    }

    @Test
    void aUdpOnlyServiceRefusesTheKeysSayingWhy() {
        ConfigException e = refused("quotes.tls.cert=cert.pem");
        assertEquals("quotes.tls.cert", e.key());
        assertTrue(e.getMessage().contains("UDP only") && e.getMessage().contains("TLS"), e.getMessage());
        ConfigException proxy = refused("quotes.proxy-protocol=v1");
        assertTrue(proxy.getMessage().contains("UDP only"), proxy.getMessage());
    }
}
