package dev.netsvc.core.udp;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.Settings;

import java.util.List;

/**
 * How many UDP replies a service may send, per source and overall. Every UDP service declares
 * {@link #KEYS} among its {@code configKeys()}, so the keys read the same ({@code <id>.udp-rate}, ...)
 * and have the same defaults everywhere.
 *
 * <p>Why these limits exist: a UDP request's source address can be forged, so an open UDP service
 * answers whoever the attacker names. The per-source rate caps what one victim receives; the global
 * rate caps what the whole service sends, however many victims are named.
 *
 * @param rate           replies per second to one source (an IPv4 address, or an IPv6 /64)
 * @param burst          replies one source may get at once before {@code rate} applies
 * @param globalRate     replies per second to all sources together (the burst is one second's worth)
 * @param trackedSources sources remembered for the per-source rate; beyond it the least recently seen
 *                       is forgotten, so forged sources cannot grow memory
 */
public record UdpLimits(int rate, int burst, int globalRate, int trackedSources) {

    public static final ConfigKey<Integer> RATE = ConfigKey.integer("udp-rate", 10, 1, 1_000_000,
            "UDP replies per second to one source address (IPv6: one /64); more requests are dropped");
    public static final ConfigKey<Integer> BURST = ConfigKey.integer("udp-burst", 20, 1, 1_000_000,
            "UDP replies one source address may get at once before udp-rate applies");
    public static final ConfigKey<Integer> GLOBAL_RATE = ConfigKey.integer("udp-global-rate", 1000, 1, 10_000_000,
            "UDP replies per second to all sources together; more requests are dropped");
    public static final ConfigKey<Integer> TRACKED_SOURCES = ConfigKey.integer("udp-tracked-sources", 10_000, 1,
            10_000_000, "source addresses remembered for udp-rate; beyond this the least recently seen is forgotten");

    /** The keys every UDP service declares. */
    public static final List<ConfigKey<?>> KEYS = List.of(RATE, BURST, GLOBAL_RATE, TRACKED_SOURCES);

    public UdpLimits {
        if (rate < 1 || burst < 1 || globalRate < 1 || trackedSources < 1) {
            throw new IllegalArgumentException("UDP limits must be at least 1: " + rate + "/" + burst + "/"
                    + globalRate + "/" + trackedSources);
        }
    }

    /** The limits a service was configured with; it must have declared {@link #KEYS}. */
    public static UdpLimits from(Settings settings) {
        return new UdpLimits(settings.get(RATE), settings.get(BURST), settings.get(GLOBAL_RATE),
                settings.get(TRACKED_SOURCES));
    }

    public static UdpLimits defaults() {
        return new UdpLimits(RATE.defaultValue(), BURST.defaultValue(), GLOBAL_RATE.defaultValue(),
                TRACKED_SOURCES.defaultValue());
    }
}
