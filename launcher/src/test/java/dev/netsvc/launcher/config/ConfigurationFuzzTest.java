package dev.netsvc.launcher.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Coverage-guided fuzzing of the run's configuration (Jazzer): a configuration file's bytes and a few
 * {@code --set KEY=VALUE} arguments, checked against two services' keys. Seeds under
 * {@code src/test/resources/dev/netsvc/launcher/ConfigurationFuzzTestInputs/plan/}. Properties:
 * <ul>
 *   <li>anything wrong is a {@link ConfigException} (exit 2, a message naming the key), never another
 *       exception;</li>
 *   <li>a plan that validates, written back as {@code --set} assignments the way the docs write values,
 *       re-reads to the same plan: same services enabled, same bind addresses and ports, same values.</li>
 * </ul>
 */
class ConfigurationFuzzTest {

    static final ConfigKey<Integer> DEPTH = ConfigKey.integer("depth", 3, 1, 10, "how deep");
    static final ConfigKey<Integer> BUFFER = ConfigKey.size("buffer", "64k", 1, 1 << 30, "buffer size");
    static final ConfigKey<Duration> TIMEOUT = ConfigKey.duration("timeout", "30s", Duration.ofMillis(1),
            Duration.ofHours(1), "timeout");
    static final ConfigKey<String> MODE = ConfigKey.choice("mode", "fast", List.of("fast", "slow"), "mode");
    static final ConfigKey<Boolean> LOG = ConfigKey.bool("log", true, "log");
    static final List<ConfigKey<?>> KEYS = List.of(DEPTH, BUFFER, TIMEOUT, MODE, LOG);

    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("netsvc-fuzz-", ".properties");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void plan(FuzzedDataProvider data) throws IOException {
        List<String> sets = new ArrayList<>();
        for (int n = data.consumeInt(0, 3); n > 0; n--) {
            sets.add(data.consumeString(80));
        }
        Files.write(FILE, data.consumeRemainingAsBytes());

        Plan plan;
        try {
            Configuration config = config().addFile(FILE);
            for (String set : sets) {
                config.addSetting(set);
            }
            plan = config.plan();
        } catch (ConfigException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isBlank());
            return;
        }
        Configuration again = config();
        for (String set : writeBack(plan)) {
            again.addSetting(set);
        }
        Plan reread;
        try {
            reread = again.plan();
        } catch (ConfigException e) {
            fail("a valid plan written back as --set is refused: " + e.getMessage() + "; " + writeBack(plan));
            return;
        }
        assertEquals(writeBack(plan), writeBack(reread));
        assertEquals(plan.shutdownGrace(), reread.shutdownGrace());
    }

    /** Every value of the plan as {@code --set} text. */
    private static List<String> writeBack(Plan plan) {
        List<String> sets = new ArrayList<>();
        sets.add("netsvc.shutdown-grace=" + plan.shutdownGrace().toMillis() + "ms");
        for (ServicePlan s : plan.services()) {
            String id = s.service().id();
            sets.add(id + ".enabled=" + s.enabled());
            sets.add(id + ".port=" + s.port());
            sets.add(id + ".bind=" + s.bind().getHostAddress());
            sets.add(id + ".depth=" + s.settings().get(DEPTH));
            sets.add(id + ".buffer=" + s.settings().get(BUFFER));
            sets.add(id + ".timeout=" + s.settings().get(TIMEOUT).toMillis() + "ms");
            sets.add(id + ".mode=" + s.settings().get(MODE));
            sets.add(id + ".log=" + s.settings().get(LOG));
        }
        return sets;
    }

    private static Configuration config() {
        Map<String, ServiceInfo> services = new LinkedHashMap<>();
        services.put("alpha", service("alpha", 1000));
        services.put("beta", service("beta", 2000));
        return new Configuration(services);
    }

    private static ServiceInfo service(String id, int port) {
        NetService s = new NetService() {
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
                return port;
            }

            public List<ConfigKey<?>> configKeys() {
                return KEYS;
            }

            public RunningService start(ServiceContext context) {
                throw new UnsupportedOperationException();
            }
        };
        return ServiceInfo.of(s, "p");
    }
}
