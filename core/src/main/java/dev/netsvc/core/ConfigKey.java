package dev.netsvc.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * A configuration key a service declares: its short name (the part after {@code <service-id>.}), its
 * default, a one-line description and how a text value becomes a valid {@code T}.
 *
 * <p>Services keep their keys as constants and read values with {@link Settings#get(ConfigKey)}:
 * <pre>{@code
 * static final ConfigKey<Integer> MAX_CONNECTIONS =
 *     ConfigKey.integer("max-connections", 1024, 1, 1_000_000, "most clients served at once");
 * }</pre>
 *
 * @param name        short name: lower case, digits and '-', such as {@code idle-timeout}; words of a group
 *                    of keys are joined by '.', such as {@code tls.cert}
 * @param defaultText the default as a user would write it (it must itself be valid)
 * @param description one line, shown by {@code netsvc list} and in conf/netsvc.properties
 * @param parser      turns text into a value or throws {@link IllegalArgumentException} whose message
 *                    says what is valid
 * @param use         what the service does with the file or folder the value names, so the host can check
 *                    it before the service starts ({@link Use#VALUE} for a value that names none)
 */
public record ConfigKey<T>(String name, String defaultText, String description, Function<String, T> parser, Use use) {

    /**
     * What a service does with the file or folder a value names. The host checks it whenever it validates
     * a configuration ({@code run}, {@code check}, {@code reload}), so a wrong path is a configuration
     * error naming the key instead of a service that fails to start. A relative path is taken against
     * the installation ({@link ServiceContext#resolve}); an empty value names nothing.
     */
    public enum Use {
        /** A value that names no file. */
        VALUE,
        /** A file the service reads: it exists, is a regular file and is readable. */
        READS_FILE,
        /** A folder the service reads: it exists, is a directory and is readable. */
        READS_DIRECTORY,
        /** A file the service appends to: writable if it exists, else its nearest existing folder is writable. */
        WRITES_FILE,
        /** A program the service runs: it exists, is a regular file and is executable. */
        RUNS_FILE
    }

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultText, "defaultText");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(use, "use");
        if (!name.matches("[a-z0-9][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)*")) {
            throw new IllegalArgumentException("config key name '" + name + "' must be lower case letters, digits and '-'"
                    + " (words of a group joined by '.')");
        }
        parser.apply(defaultText); // a default that does not parse is a plugin bug: fail at declaration
    }

    /** A key whose value names no file or folder. */
    public ConfigKey(String name, String defaultText, String description, Function<String, T> parser) {
        this(name, defaultText, description, parser, Use.VALUE);
    }

    /** This key, naming a file the service reads (checked before the service starts). */
    public ConfigKey<T> readsFile() {
        return new ConfigKey<>(name, defaultText, description, parser, Use.READS_FILE);
    }

    /** This key, naming a folder the service reads (checked before the service starts). */
    public ConfigKey<T> readsDirectory() {
        return new ConfigKey<>(name, defaultText, description, parser, Use.READS_DIRECTORY);
    }

    /** This key, naming a file the service appends to (checked before the service starts). */
    public ConfigKey<T> writesFile() {
        return new ConfigKey<>(name, defaultText, description, parser, Use.WRITES_FILE);
    }

    /** This key, naming a program the service runs (checked before the service starts). */
    public ConfigKey<T> runsFile() {
        return new ConfigKey<>(name, defaultText, description, parser, Use.RUNS_FILE);
    }

    /** Parses {@code text}; the message of the {@link IllegalArgumentException} says what is valid. */
    public T parse(String text) {
        return parser.apply(text.strip());
    }

    public T defaultValue() {
        return parser.apply(defaultText);
    }

    // ---- factories for the common kinds of value --------------------------------------------------

    public static ConfigKey<Integer> integer(String name, int def, int min, int max, String description) {
        return new ConfigKey<>(name, Integer.toString(def), description, text -> {
            long value;
            try {
                value = Long.parseLong(text.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a whole number; expected " + min + ".." + max);
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException(text + " is out of range; expected " + min + ".." + max);
            }
            return (int) value;
        });
    }

    public static ConfigKey<Boolean> bool(String name, boolean def, String description) {
        return new ConfigKey<>(name, Boolean.toString(def), description, text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' is not a boolean; expected true or false");
        });
    }

    public static ConfigKey<String> string(String name, String def, String description) {
        return new ConfigKey<>(name, def, description, text -> text);
    }

    /** One of a fixed set of words, compared case-insensitively, returned in lower case. */
    public static ConfigKey<String> choice(String name, String def, List<String> choices, String description) {
        List<String> valid = List.copyOf(choices);
        return new ConfigKey<>(name, def, description, text -> {
            String value = text.toLowerCase(Locale.ROOT);
            if (!valid.contains(value)) {
                throw new IllegalArgumentException("'" + text + "' is not one of " + String.join(", ", valid));
            }
            return value;
        });
    }

    /**
     * A duration written {@code 250ms}, {@code 30s}, {@code 5m} or {@code 1h}; a bare number is seconds.
     */
    public static ConfigKey<Duration> duration(String name, String def, Duration min, Duration max, String description) {
        return new ConfigKey<>(name, def, description, text -> {
            Duration value = parseDuration(text);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(text + " is out of range; expected " + formatDuration(min)
                        + " to " + formatDuration(max));
            }
            return value;
        });
    }

    /** A byte count written {@code 512}, {@code 64k}, {@code 16m} or {@code 1g} (powers of 1024). */
    public static ConfigKey<Integer> size(String name, String def, int min, int max, String description) {
        return new ConfigKey<>(name, def, description, text -> {
            long value = parseSize(text);
            if (value < min || value > max) {
                throw new IllegalArgumentException(text + " is out of range; expected " + formatSize(min)
                        + " to " + formatSize(max));
            }
            return (int) value;
        });
    }

    /** A file system path, as written; relative paths are resolved by the service against the home. */
    public static ConfigKey<Path> path(String name, String def, String description) {
        return new ConfigKey<>(name, def, description, text -> {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("a path is required");
            }
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("'" + text + "' is not a valid path: " + e.getReason());
            }
        });
    }

    /** A time zone id such as {@code UTC}, {@code Europe/Paris} or {@code +02:00}. */
    public static ConfigKey<ZoneId> zone(String name, String def, String description) {
        return new ConfigKey<>(name, def, description, text -> {
            try {
                return ZoneId.of(text);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("'" + text + "' is not a time zone; expected e.g. UTC, Europe/Paris, +02:00");
            }
        });
    }

    /** A literal IP address (never a host name: binding must not depend on DNS). */
    public static ConfigKey<InetAddress> address(String name, String def, String description) {
        return new ConfigKey<>(name, def, description, ConfigKey::parseAddress);
    }

    /** Parses an IPv4 or IPv6 literal (brackets allowed) without any DNS lookup. */
    public static InetAddress parseAddress(String text) {
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean looksLiteral = !literal.isEmpty()
                && (literal.indexOf(':') >= 0 || literal.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')));
        if (looksLiteral) {
            try {
                return InetAddress.getByName(literal); // a literal: parsed, never looked up
            } catch (UnknownHostException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an IP address; expected e.g. 127.0.0.1, 0.0.0.0, ::1 or ::");
    }

    static Duration parseDuration(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < t.length() && Character.isDigit(t.charAt(split))) {
            split++;
        }
        String unit = t.substring(split);
        if (split == 0 || split > 12) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; expected e.g. 500ms, 30s, 5m, 1h");
        }
        long n = Long.parseLong(t.substring(0, split));
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "", "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("'" + text + "' has unknown unit '" + unit + "'; expected ms, s, m or h");
        };
    }

    static long parseSize(String text) {
        String t = text.toLowerCase(Locale.ROOT).replace("_", "");
        if (t.endsWith("ib")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        long multiplier = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> multiplier = 1L << 10;
                case 'm' -> multiplier = 1L << 20;
                case 'g' -> multiplier = 1L << 30;
                default -> { }
            }
        }
        String digits = multiplier == 1 ? t : t.substring(0, t.length() - 1);
        // ASCII digits only (Character.isDigit also takes other scripts' digits), and no long overflow:
        // 17179869184g is 2^64 bytes, which multiplied in a long is 0 and would pass a 0..max range check
        if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + text + "' is not a size; expected e.g. 512, 64k, 16m");
        }
        long count = Long.parseLong(digits);
        if (count > Long.MAX_VALUE / multiplier) {
            throw new IllegalArgumentException("'" + text + "' is too large a size; expected e.g. 512, 64k, 16m");
        }
        return count * multiplier;
    }

    static String formatDuration(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        if (s % 3600 == 0 && s != 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s != 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    static String formatSize(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + "g";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + "m";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return bytes / (1L << 10) + "k";
        }
        return Long.toString(bytes);
    }
}
