package dev.netsvc.launcher.config;

import dev.netsvc.core.ConfigException;

/** What the host adds to a plugin's {@link ConfigException} before an operator reads it. */
public final class ConfigErrors {

    private ConfigErrors() {
    }

    /**
     * {@code e}, its key in front when its message does not name it ({@code dict.file: cannot read ...}):
     * a plugin may forget to, and the operator must still learn which key to fix.
     */
    public static ConfigException namingKey(ConfigException e) {
        String key = e.key();
        String message = e.getMessage() == null ? "" : e.getMessage();
        return key == null || key.isEmpty() || message.contains(key) ? e : new ConfigException(key, key + ": " + message);
    }
}
