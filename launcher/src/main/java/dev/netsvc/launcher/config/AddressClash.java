package dev.netsvc.launcher.config;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.Transport;
import dev.netsvc.core.net.HostPort;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds two enabled services configured on the same port and transport with overlapping addresses
 * (equal, or one of them a wildcard), before anything binds: otherwise the second one would fail with
 * "port in use by another process" when the other process is netsvc itself.
 */
final class AddressClash {

    private record Claim(String owner, Set<Transport> transports, InetAddress address, int port) {
    }

    private AddressClash() {
    }

    static void check(List<ServicePlan> plans, HostSettings host) {
        List<Claim> claims = new ArrayList<>();
        for (ServicePlan plan : plans) {
            if (plan.enabled() && plan.port() != 0) {
                claims.add(new Claim(plan.service().id(), plan.service().transports(), plan.bind(), plan.port()));
            }
        }
        if (host.adminEnabled() && host.adminPort() != 0) {
            claims.add(new Claim("the admin endpoint (admin.port)", Set.of(Transport.TCP), host.adminBind(), host.adminPort()));
        }
        for (int i = 0; i < claims.size(); i++) {
            for (int j = i + 1; j < claims.size(); j++) {
                Claim a = claims.get(i);
                Claim b = claims.get(j);
                for (Transport t : a.transports()) {
                    if (b.transports().contains(t) && a.port() == b.port() && overlap(a.address(), b.address())) {
                        String where = t.label() + " " + HostPort.format(new InetSocketAddress(a.address(), a.port()));
                        String key = b.owner().contains("(") ? "admin.port" : b.owner() + ".port";
                        throw new ConfigException(key, a.owner() + " and " + b.owner() + " are both configured on "
                                + where + (a.address().equals(b.address()) ? "" : " (" + HostPort.format(
                                new InetSocketAddress(b.address(), b.port())) + " overlaps it)")
                                + "; give one of them another port or address");
                    }
                }
            }
        }
    }

    // A wildcard overlaps every address of its family, and :: also takes IPv4 (dual stack).
    private static boolean overlap(InetAddress a, InetAddress b) {
        if (a.equals(b)) {
            return true;
        }
        if (a.isAnyLocalAddress() && b.isAnyLocalAddress()) {
            return true;
        }
        return wildcardCovers(a, b) || wildcardCovers(b, a);
    }

    private static boolean wildcardCovers(InetAddress wildcard, InetAddress other) {
        return wildcard.isAnyLocalAddress()
                && (wildcard instanceof java.net.Inet6Address || other instanceof java.net.Inet4Address);
    }
}
