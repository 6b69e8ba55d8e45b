package dev.netsvc.launcher.config;

/** A value as configured and where it came from (a file, --set, --bind), for messages and listings. */
public record Value(String text, String source) {
}
