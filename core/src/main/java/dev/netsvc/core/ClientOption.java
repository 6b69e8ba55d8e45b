package dev.netsvc.core;

import java.util.Objects;

/**
 * An option a {@link NetClient} accepts.
 *
 * @param longName   used as {@code --longName}; also the name to look the value up with
 * @param shortName  single letter for {@code -x}, or null
 * @param argName    name of the value for help ({@code FILE}), or null for a flag
 * @param repeatable whether it may be given more than once
 */
public record ClientOption(String longName, String shortName, String argName, boolean repeatable, String description) {

    public ClientOption {
        Objects.requireNonNull(longName, "longName");
        Objects.requireNonNull(description, "description");
        if (repeatable && argName == null) {
            throw new IllegalArgumentException("a repeatable option must take a value");
        }
    }

    /** {@code --tcp}: a switch. */
    public static ClientOption flag(String longName, String shortName, String description) {
        return new ClientOption(longName, shortName, null, false, description);
    }

    /** {@code --output FILE}: takes one value. */
    public static ClientOption value(String longName, String shortName, String argName, String description) {
        return new ClientOption(longName, shortName, argName, false, description);
    }

    /** {@code -H 'Name: value'}, any number of times. */
    public static ClientOption repeated(String longName, String shortName, String argName, String description) {
        return new ClientOption(longName, shortName, argName, true, description);
    }

    public boolean takesValue() {
        return argName != null;
    }
}
