package dev.netsvc.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keys with a free-form last part ({@code env.<NAME>}), as settings parse them. */
class KeyFamilyTest {

    private static final KeyFamily ENV = new KeyFamily("env", "[A-Za-z_][A-Za-z0-9_]*", "NAME", "a variable");
    private static final ConfigKey<String> COMMAND = ConfigKey.string("command", "", "what runs");

    @Test
    void membersAreCollectedByNameWithTheirValuesAsWritten() {
        Settings s = Settings.parse("x", List.of(COMMAND), List.of(ENV),
                Map.of("env.PATH", " /bin:/usr/bin ", "env.lang_2", "C", "command", "/bin/cat"));
        assertEquals(Map.of("PATH", "/bin:/usr/bin", "lang_2", "C"), s.family(ENV));
        assertEquals(List.of("PATH", "lang_2"), List.copyOf(s.family(ENV).keySet()), "sorted by name");
        assertEquals("/bin/cat", s.get(COMMAND));
        assertEquals(Map.of(), Settings.parse("x", List.of(COMMAND), List.of(ENV), Map.of()).family(ENV), "none set");
    }

    @Test
    void aMemberWhoseNameTheFamilyRefusesIsAnErrorNamingTheKeyAndTheRule() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Settings.parse("x", List.of(COMMAND), List.of(ENV), Map.of("env.9LIVES", "1")));
        assertEquals("x.env.9LIVES", e.key());
        assertTrue(e.getMessage().contains("it must match [A-Za-z_][A-Za-z0-9_]*"), e.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> Settings.parse("x", List.of(COMMAND), List.of(ENV), Map.of("envy", "1")));
        assertTrue(unknown.getMessage().contains("x.env.<NAME>"), "the family is among the keys named: " + unknown.getMessage());
    }

    @Test
    void anUndeclaredFamilyCannotBeRead() {
        Settings s = Settings.parse("x", List.of(COMMAND), Map.of());
        assertThrows(IllegalArgumentException.class, () -> s.family(ENV));
    }

    @Test
    void aFamilyIsNamedLikeAKeyAndItsPatternMustCompile() {
        assertThrows(IllegalArgumentException.class, () -> new KeyFamily("Env", ".*", "NAME", "x"));
        assertThrows(java.util.regex.PatternSyntaxException.class, () -> new KeyFamily("env", "[", "NAME", "x"));
        assertEquals("env.<NAME>", ENV.placeholder());
    }
}
