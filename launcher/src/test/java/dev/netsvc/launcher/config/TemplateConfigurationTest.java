package dev.netsvc.launcher.config;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.KeyFamily;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Settings;
import dev.netsvc.core.Transport;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A template service ({@code NetService.isTemplate()}, the exec plugin's) runs only as its instances, each
 * with a port, a transport it chooses by a key, key families and a check across its keys.
 */
class TemplateConfigurationTest {

    static final ConfigKey<String> COMMAND = ConfigKey.string("command", "", "what runs");
    static final ConfigKey<String> TRANSPORT = ConfigKey.choice("transport", "tcp", List.of("tcp", "udp"), "which");
    static final KeyFamily ENV = new KeyFamily("env", "[A-Z_]+", "NAME", "a variable");

    /** A template like exec: TCP or UDP by a key, a required command. */
    static final class Runner implements NetService {
        public String id() {
            return "runner";
        }

        public String description() {
            return "runs things";
        }

        public Set<Transport> transports() {
            return Set.of(Transport.TCP, Transport.UDP);
        }

        public Set<Transport> transports(Settings settings) {
            return Set.of(settings.get(TRANSPORT).equals("udp") ? Transport.UDP : Transport.TCP);
        }

        public int defaultPort() {
            return 0;
        }

        public boolean isTemplate() {
            return true;
        }

        public List<ConfigKey<?>> configKeys() {
            return List.of(COMMAND, TRANSPORT);
        }

        public List<KeyFamily> keyFamilies() {
            return List.of(ENV);
        }

        public void validate(Settings settings) {
            if (settings.get(COMMAND).isEmpty()) {
                throw new ConfigException(settings.serviceId() + ".command", settings.serviceId() + ".command is required");
            }
        }

        public RunningService start(ServiceContext context) {
            throw new UnsupportedOperationException();
        }
    }

    private static Configuration config() {
        Map<String, ServiceInfo> services = new LinkedHashMap<>();
        services.put("runner", ServiceInfo.of(new Runner(), "p"));
        return new Configuration(services);
    }

    @Test
    void theTemplateIsNeverPlannedOnlyItsInstances() {
        Plan plan = config().addSetting("finger.instance-of=runner").addSetting("finger.port=7079")
                .addSetting("finger.command=/usr/sbin/in.fingerd").addSetting("tftp.instance-of=runner")
                .addSetting("tftp.port=7069").addSetting("tftp.transport=udp").addSetting("tftp.command=/bin/true").plan();
        assertEquals(List.of("finger", "tftp"), plan.services().stream().map(ServicePlan::id).toList());
        assertEquals(Set.of(Transport.TCP), plan.service("finger").orElseThrow().service().transports());
        assertEquals(Set.of(Transport.UDP), plan.service("tftp").orElseThrow().service().transports(), "its key chose UDP");
        assertEquals(Set.of(7069), plan.udpPorts(), "only the UDP instance's port is a loop port");
        assertTrue(config().plan().services().isEmpty(), "no instance: nothing runs");
    }

    @Test
    void anInstanceOfATemplateMustSetItsPort() {
        ConfigException e = assertThrows(ConfigException.class, () -> config().addSetting("finger.instance-of=runner")
                .addSetting("finger.command=/x").plan());
        assertEquals("finger.port", e.key());
        assertTrue(e.getMessage().contains("finger.port is required: finger is an instance of runner, a template"), e.getMessage());
    }

    @Test
    void theTemplatesOwnKeysAndNameAreRefusedWithTheWayToAnInstance() {
        ConfigException key = assertThrows(ConfigException.class, () -> config().addSetting("runner.command=/bin/cat").plan());
        assertTrue(key.getMessage().contains("runner is a template, which runs only as instances of it")
                && key.getMessage().contains("runner1.instance-of=runner"), key.getMessage());
        ConfigException enable = assertThrows(ConfigException.class, () -> config().enableOnly(List.of("runner")).plan());
        assertTrue(enable.getMessage().contains("--enable: runner is a template"), enable.getMessage());
    }

    @Test
    void theServicesOwnCheckRunsForEnabledInstancesAndSaysWhereTheKeyWasSet() {
        ConfigException e = assertThrows(ConfigException.class, () -> config().addSetting("finger.instance-of=runner")
                .addSetting("finger.port=7079").addSetting("finger.command=").plan());
        assertEquals("finger.command", e.key());
        assertTrue(e.getMessage().endsWith("finger.command is required (in --set)"), e.getMessage());
        Plan off = config().addSetting("finger.instance-of=runner").addSetting("finger.port=7079")
                .addSetting("finger.enabled=false").plan();
        assertFalse(off.service("finger").orElseThrow().enabled(), "a disabled instance is not checked");
    }

    @Test
    void keyFamilyMembersAreAcceptedParsedAndListedByCheck() {
        Configuration config = config().addSetting("finger.instance-of=runner").addSetting("finger.port=7079")
                .addSetting("finger.command=/x").addSetting("finger.env.LANG=C").addSetting("finger.env.TZ=UTC");
        Plan plan = config.plan();
        assertEquals(Map.of("LANG", "C", "TZ", "UTC"), plan.service("finger").orElseThrow().settings().family(ENV));
        List<Effective> effective = config.effective();
        assertTrue(effective.contains(new Effective("finger.env.LANG", "C", "--set")), effective.toString());
        assertTrue(effective.stream().noneMatch(e -> e.key().startsWith("runner.")), "the template has no keys of its own to show");
        ConfigException bad = assertThrows(ConfigException.class, () -> config().addSetting("finger.instance-of=runner")
                .addSetting("finger.port=7079").addSetting("finger.command=/x").addSetting("finger.env.lang=C").plan());
        assertEquals("finger.env.lang", bad.key());
        assertTrue(bad.getMessage().contains("it must match [A-Z_]+") && bad.getMessage().endsWith("(in --set)"), bad.getMessage());
    }
}
