package dev.netsvc.launcher.config;

/** One key's effective value and where it came from, as {@code netsvc check} prints it. */
public record Effective(String key, String value, String source) {
}
