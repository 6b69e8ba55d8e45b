package dev.netsvc.core;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigKeyTest {

    @Test
    void integersWithinRange() {
        ConfigKey<Integer> key = ConfigKey.integer("max", 10, 1, 100, "d");
        assertEquals(10, key.defaultValue());
        assertEquals(1, key.parse("1"));
        assertEquals(100, key.parse(" 100 "));
        assertRejects(key, "0", "1..100");
        assertRejects(key, "101", "1..100");
        assertRejects(key, "ten", "whole number");
        assertRejects(key, "99999999999999999999", "whole number");
    }

    @Test
    void durations() {
        ConfigKey<Duration> key = ConfigKey.duration("t", "30s", Duration.ofMillis(1), Duration.ofHours(2), "d");
        assertEquals(Duration.ofSeconds(30), key.defaultValue());
        assertEquals(Duration.ofMillis(250), key.parse("250ms"));
        assertEquals(Duration.ofMinutes(5), key.parse("5m"));
        assertEquals(Duration.ofHours(1), key.parse("1H"));
        assertEquals(Duration.ofSeconds(7), key.parse("7"));
        assertRejects(key, "3h", "1ms to 2h");
        assertRejects(key, "0ms", "1ms to 2h");
        assertRejects(key, "soon", "500ms, 30s");
        assertRejects(key, "5 parsecs", "");
        assertRejects(key, "5d", "unknown unit 'd'");
    }

    @Test
    void sizes() {
        ConfigKey<Integer> key = ConfigKey.size("buf", "64k", 512, 16 << 20, "d");
        assertEquals(65536, key.defaultValue());
        assertEquals(512, key.parse("512"));
        assertEquals(16 << 20, key.parse("16m"));
        assertEquals(2048, key.parse("2KiB"));
        assertRejects(key, "511", "512 to 16m");
        assertRejects(key, "1g", "512 to 16m");
        assertRejects(key, "lots", "64k");
    }

    /** Found by ConfigKeyFuzzTest: a size whose bytes overflow a long wrapped to a small value and passed. */
    @Test
    void sizesNeverWrapAround() {
        ConfigKey<Integer> key = ConfigKey.size("max-body-size", "1m", 0, 1 << 30, "d");
        assertRejects(key, "17179869184g", "too large"); // 2^64 bytes: was read as 0
        assertEquals(8589934591L << 30, ConfigKey.parseSize("8589934591g")); // 2^63 - 2^30: the largest
        assertThrows(IllegalArgumentException.class, () -> ConfigKey.parseSize("8589934592g")); // 2^63
        assertRejects(key, "\u0661\u0662k", "not a size"); // Arabic-Indic digits: ASCII only
    }

    @Test
    void booleansChoicesZonesPathsAddresses() throws Exception {
        assertEquals(true, ConfigKey.bool("b", false, "d").parse("YES"));
        assertRejects(ConfigKey.bool("b", false, "d"), "maybe", "true or false");
        ConfigKey<String> mode = ConfigKey.choice("mode", "daily", List.of("daily", "random"), "d");
        assertEquals("random", mode.parse("Random"));
        assertRejects(mode, "weekly", "daily, random");
        assertEquals(ZoneId.of("Europe/Paris"), ConfigKey.zone("z", "UTC", "d").parse("Europe/Paris"));
        assertRejects(ConfigKey.zone("z", "UTC", "d"), "Mars/Olympus", "time zone");
        assertEquals(Path.of("conf/quotes.txt"), ConfigKey.path("p", "conf/quotes.txt", "d").defaultValue());
        ConfigKey<InetAddress> bind = ConfigKey.address("bind", "127.0.0.1", "d");
        assertEquals(InetAddress.getByName("::1"), bind.parse("[::1]"));
        assertEquals(InetAddress.getByName("0.0.0.0"), bind.parse("0.0.0.0"));
        assertRejects(bind, "localhost", "not an IP address");
        assertRejects(bind, "300.1.1.1", "not an IP address");
    }

    @Test
    void invalidDeclarationsFailAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> ConfigKey.integer("Bad_Name", 1, 0, 2, "d"));
        assertThrows(IllegalArgumentException.class, () -> ConfigKey.integer("n", 5, 0, 2, "d"));
    }

    @Test
    void settingsNameTheFullKey() {
        ConfigKey<Integer> max = ConfigKey.integer("max", 10, 1, 100, "d");
        Settings ok = Settings.parse("svc", List.of(max), Map.of("max", "20"));
        assertEquals(20, ok.get(max));
        assertEquals(10, Settings.defaults("svc", List.of(max)).get(max));

        ConfigException bad = assertThrows(ConfigException.class, () -> Settings.parse("svc", List.of(max), Map.of("max", "0")));
        assertEquals("svc.max", bad.key());
        assertTrue(bad.getMessage().contains("svc.max") && bad.getMessage().contains("1..100"), bad.getMessage());

        ConfigException unknown = assertThrows(ConfigException.class, () -> Settings.parse("svc", List.of(max), Map.of("mxa", "1")));
        assertEquals("svc.mxa", unknown.key());
        assertTrue(unknown.getMessage().contains("svc.max"), unknown.getMessage());

        ConfigKey<Integer> other = ConfigKey.integer("other", 1, 0, 2, "d");
        assertThrows(IllegalArgumentException.class, () -> ok.get(other));
    }

    private static void assertRejects(ConfigKey<?> key, String text, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> key.parse(text), text);
        assertTrue(e.getMessage().contains(fragment), text + " -> " + e.getMessage());
    }
}
