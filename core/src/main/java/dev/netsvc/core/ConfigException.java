package dev.netsvc.core;

/**
 * A configuration value that cannot be used. The message always names the key and says what would be
 * valid; the launcher prints it and exits with status 2.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The full key, such as {@code echo-blocking.port}. */
    public String key() {
        return key;
    }
}
