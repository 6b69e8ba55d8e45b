package dev.netsvc.core.net;

import dev.netsvc.core.ConfigKey;

import java.time.Duration;

/**
 * The connection limits every TCP service should offer, declared once so that they read the same in
 * every service: the same names, ranges and descriptions; only the defaults differ.
 */
public final class TcpKeys {

    private TcpKeys() {
    }

    /** {@code max-connections}: clients served at once; the rest wait in the listen backlog. */
    public static ConfigKey<Integer> maxConnections(int defaultValue) {
        return ConfigKey.integer("max-connections", defaultValue, 1, 1_000_000,
                "clients served at once; more wait in the listen backlog");
    }

    /** {@code idle-timeout}: a connection whose input and output both stall this long is closed. */
    public static ConfigKey<Duration> idleTimeout(String defaultValue) {
        return ConfigKey.duration("idle-timeout", defaultValue, Duration.ofMillis(100), Duration.ofDays(1),
                "close a connection after this long without input or output");
    }
}
