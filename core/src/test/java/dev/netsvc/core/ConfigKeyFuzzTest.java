package dev.netsvc.core;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of the value parsers every configuration key uses (Jazzer): the value of a
 * key in a file or {@code --set} is text a user typed. Seeds under
 * {@code src/test/resources/dev/netsvc/core/ConfigKeyFuzzTestInputs/parse/}. Properties:
 * <ul>
 *   <li>bad text fails with {@link IllegalArgumentException} and a message, never anything else;</li>
 *   <li>a value that validates is within the key's range, and re-reads to the same value when written
 *       back the way the docs write it ({@code 64k}, {@code 30s}, the literal address, ...);</li>
 *   <li>a size or a whole number means what the text says: digits times the unit, never a wrapped
 *       {@code long} (checked against {@link BigInteger}).</li>
 * </ul>
 */
class ConfigKeyFuzzTest {

    private static final ConfigKey<Integer> INTEGER = ConfigKey.integer("n", 0, -1000, 1_000_000, "n");
    private static final ConfigKey<Integer> SIZE = ConfigKey.size("size", "0", 0, 1 << 30, "size");
    private static final ConfigKey<Duration> DURATION = ConfigKey.duration("t", "1s", Duration.ZERO,
            Duration.ofDays(400), "t");
    private static final ConfigKey<Boolean> BOOL = ConfigKey.bool("b", true, "b");
    private static final ConfigKey<String> CHOICE = ConfigKey.choice("c", "selector", List.of("selector", "blocking"), "c");
    private static final ConfigKey<Path> PATH = ConfigKey.path("p", "www", "p");
    private static final ConfigKey<ZoneId> ZONE = ConfigKey.zone("z", "UTC", "z");
    private static final ConfigKey<InetAddress> ADDRESS = ConfigKey.address("a", "127.0.0.1", "a");

    private static final Pattern SIZE_TEXT = Pattern.compile("([0-9_]+)([kmg]?)(i?b)?");
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    @FuzzTest(maxDuration = "10m")
    void parse(FuzzedDataProvider data) {
        int kind = data.consumeInt(0, 7);
        String text = data.consumeRemainingAsString();
        switch (kind) {
            case 0 -> check(INTEGER, text, String::valueOf);
            case 1 -> {
                Integer size = check(SIZE, text, v -> ConfigKey.formatSize(v));
                if (size != null) {
                    assertEquals(expectedSize(text), BigInteger.valueOf(size), "'" + text + "'");
                }
                sizeArithmetic(text);
            }
            case 2 -> check(DURATION, text, ConfigKey::formatDuration);
            case 3 -> check(BOOL, text, String::valueOf);
            case 4 -> check(CHOICE, text, v -> v);
            case 5 -> check(PATH, text, p -> p.toString().strip().equals(p.toString()) ? p.toString() : null);
            case 6 -> check(ZONE, text, ZoneId::getId);
            default -> check(ADDRESS, text, InetAddress::getHostAddress);
        }
    }

    /**
     * Parses; if valid, writes the value back with {@code format} and checks it re-reads the same
     * ({@code format} gives null for a value that text cannot carry, such as a path ending in a space).
     */
    private static <T> T check(ConfigKey<T> key, String text, Function<T, String> format) {
        T value;
        try {
            value = key.parse(text);
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isBlank());
            return null;
        }
        assertNotNull(value);
        String written = format.apply(value);
        if (written == null) {
            return value;
        }
        assertEquals(value, key.parse(written), key.name() + ": '" + text + "' read as " + value + ", written '" + written + "'");
        return value;
    }

    /** Without the range check: a size that parses is digits times the unit, exactly. */
    private static void sizeArithmetic(String text) {
        long parsed;
        try {
            parsed = ConfigKey.parseSize(text.strip());
        } catch (IllegalArgumentException e) {
            return;
        }
        BigInteger expected = expectedSize(text);
        assertTrue(expected.compareTo(LONG_MAX) <= 0 && expected.equals(BigInteger.valueOf(parsed)),
                "'" + text + "' parsed as " + parsed + " but means " + expected);
    }

    /** What a size text means, computed without overflow; -1 for text that is not ASCII digits and a unit. */
    private static BigInteger expectedSize(String text) {
        Matcher m = SIZE_TEXT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || m.group(1).replace("_", "").isEmpty()) {
            return BigInteger.ONE.negate();
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        return new BigInteger(m.group(1).replace("_", "")).shiftLeft(shift);
    }
}
