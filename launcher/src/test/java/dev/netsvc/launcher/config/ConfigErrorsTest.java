package dev.netsvc.launcher.config;

import dev.netsvc.core.ConfigException;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ConfigErrorsTest {

    /** The operator learns which key to fix even from a plugin whose message forgot to say. */
    @Test
    void aMessageThatDoesNotNameItsKeyGetsIt() {
        assertEquals("dict.file: cannot read /srv/dict.txt: it does not exist",
                ConfigErrors.namingKey(new ConfigException("dict.file", "cannot read /srv/dict.txt: it does not exist")).getMessage());
        ConfigException named = new ConfigException("dict.file", "dict.file (--set): /srv/dict.txt does not exist");
        assertSame(named, ConfigErrors.namingKey(named));
    }
}
