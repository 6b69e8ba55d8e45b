package dev.netsvc.core.access;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.Settings;

import java.time.Duration;
import java.util.List;

/**
 * The PROXY protocol keys every TCP service has, declared once beside the access keys: behind a load
 * balancer that sends a PROXY header (HAProxy's {@code send-proxy}, {@code send-proxy-v2}), the client's
 * address in the header is the one the access rules, limits, logs and metrics use. The host adds
 * {@link #KEYS} to the keys of every service that listens on TCP; core's accept path reads them.
 */
public final class ProxyKeys {

    private ProxyKeys() {
    }

    public static final ConfigKey<String> PROXY_PROTOCOL = ConfigKey.choice("proxy-protocol", "off",
            List.of("off", "v1", "v2", "any"),
            "PROXY protocol header expected first on every connection: off, v1, v2 or any; needs proxy-from");
    public static final ConfigKey<List<AddressBlock>> PROXY_FROM = AccessKeys.blocks("proxy-from",
            "the load balancers' addresses and CIDR blocks, comma-separated: connections from elsewhere are refused");
    public static final ConfigKey<Duration> PROXY_TIMEOUT = ConfigKey.duration("proxy-timeout", "5s",
            Duration.ofMillis(100), Duration.ofMinutes(5), "a PROXY header not complete this long after connecting is refused");

    /** Every PROXY key, in the order {@code netsvc list} shows them. */
    public static final List<ConfigKey<?>> KEYS = List.of(PROXY_PROTOCOL, PROXY_FROM, PROXY_TIMEOUT);

    /**
     * Checks the keys together: {@code proxy-from} is required when the protocol is on.
     *
     * @throws ConfigException naming the key
     */
    public static void check(String serviceId, Settings settings) {
        if (!settings.declares(PROXY_PROTOCOL) || settings.get(PROXY_PROTOCOL).equals("off")) {
            return;
        }
        if (settings.get(PROXY_FROM).isEmpty()) {
            String key = serviceId + "." + PROXY_FROM.name();
            throw new ConfigException(key, key + " is required with " + serviceId + "." + PROXY_PROTOCOL.name() + "="
                    + settings.get(PROXY_PROTOCOL) + ": the addresses of the load balancers that send the header");
        }
    }
}
