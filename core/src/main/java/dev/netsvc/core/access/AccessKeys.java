package dev.netsvc.core.access;

import dev.netsvc.core.ConfigKey;

import java.util.ArrayList;
import java.util.List;

/**
 * The access-control keys every TCP and UDP service has, and the connection log of every TCP one, declared once: the host (and the test kit) add
 * {@link #KEYS} to each service's own keys ({@code ServiceKeys.withOwn}, the host's), so a plugin
 * declares nothing to get them and {@link AccessPolicy#of} reads them. A service must not declare keys
 * with these names itself.
 */
public final class AccessKeys {

    private AccessKeys() {
    }

    public static final ConfigKey<List<AddressBlock>> ONLY_FROM = blocks("only-from",
            "addresses and CIDR blocks allowed, comma-separated (IPv4, IPv6); empty: all");
    public static final ConfigKey<List<AddressBlock>> NO_ACCESS = blocks("no-access",
            "addresses and CIDR blocks refused, comma-separated; when both lists match, the more specific entry wins");
    public static final ConfigKey<Integer> PER_SOURCE = ConfigKey.integer("per-source", 0, 0, 1_000_000,
            "concurrent TCP connections from one address (IPv6: one /64); 0: no limit");
    public static final ConfigKey<Integer> RATE = ConfigKey.integer("rate", 0, 0, 1_000_000,
            "new TCP connections or UDP datagrams per second from one address (IPv6: one /64); 0: no limit");
    public static final ConfigKey<Integer> RATE_BURST = ConfigKey.integer("rate-burst", 0, 0, 1_000_000,
            "how many of them one address may send at once before rate applies; 0: the same as rate");

    /**
     * One log line per TCP connection (xinetd's {@code log_on_success} and {@code log_on_failure}): read
     * by the accept path every TCP engine shares ({@link dev.netsvc.core.net.AcceptPath}), so a plugin
     * declares nothing to get it.
     */
    public static final ConfigKey<String> CONNECTION_LOG = ConfigKey.choice("connection-log", "failure",
            List.of("off", "failure", "all"), "a log line per TCP connection: off, failure (refusals and failed connections), all");

    /** Every access key, in the order {@code netsvc list} shows them. */
    public static final List<ConfigKey<?>> KEYS = List.of(ONLY_FROM, NO_ACCESS, PER_SOURCE, RATE, RATE_BURST, CONNECTION_LOG);

    static ConfigKey<List<AddressBlock>> blocks(String name, String description) {
        return new ConfigKey<>(name, "", description, text -> {
            List<AddressBlock> blocks = new ArrayList<>();
            for (String entry : text.split(",")) {
                if (!entry.isBlank()) {
                    blocks.add(AddressBlock.parse(entry));
                }
            }
            return List.copyOf(blocks);
        });
    }
}
