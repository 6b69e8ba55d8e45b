package dev.netsvc.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A family of keys whose last part is free-form, {@code <id>.<name>.<MEMBER>}: an exec service's program
 * environment ({@code env.PATH}, {@code env.LANG}, ...) is one. A service declares its families in
 * {@link NetService#keyFamilies()}; the host then accepts any member whose name matches
 * {@code memberPattern} (and refuses other names under the family, naming the rule), and the service
 * reads the members set with {@link Settings#family(KeyFamily)}. Members have no default: a member is
 * there when it is configured. Values are text, as written (stripped of surrounding blanks).
 *
 * <pre>{@code
 * static final KeyFamily ENV = new KeyFamily("env", "[A-Za-z_][A-Za-z0-9_]*", "NAME",
 *         "the environment variable NAME of the program");
 * }</pre>
 *
 * @param name          the family's name, like a key's: lower case letters, digits and '-'
 * @param memberPattern the regular expression a member's name must match whole
 * @param memberLabel   how listings show a member: {@code env.<NAME>}
 * @param description   one line, shown by {@code netsvc list}
 */
public record KeyFamily(String name, String memberPattern, String memberLabel, String description) {

    public KeyFamily {
        Objects.requireNonNull(memberLabel, "memberLabel");
        Objects.requireNonNull(description, "description");
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("key family name '" + name + "' must be lower case letters, digits and '-'");
        }
        Pattern.compile(memberPattern); // a pattern that does not compile is a plugin bug: fail at declaration
    }

    /** What every member's short key starts with: {@code env.} */
    public String prefix() {
        return name + ".";
    }

    /** Whether the short key {@code key} ({@code env.PATH}, say) is under this family, valid or not. */
    public boolean covers(String key) {
        return key.startsWith(prefix());
    }

    /**
     * The member's name in the short key {@code key}, which this family {@link #covers}.
     *
     * @throws IllegalArgumentException if the name does not match {@code memberPattern}; the message says what is valid
     */
    public String member(String key) {
        String member = key.substring(prefix().length());
        if (!member.matches(memberPattern)) {
            throw new IllegalArgumentException("'" + member + "' cannot be a " + memberLabel + " of " + prefix() + "<"
                    + memberLabel + ">; it must match " + memberPattern);
        }
        return member;
    }

    /** How listings show the family: {@code env.<NAME>}. */
    public String placeholder() {
        return prefix() + "<" + memberLabel + ">";
    }
}
