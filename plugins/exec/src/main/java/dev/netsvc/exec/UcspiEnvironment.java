package dev.netsvc.exec;

import dev.netsvc.core.net.HostPort;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The variables a program learns its client from, as ucspi-tcp's {@code tcpserver} sets them (and
 * ucspi-tcp6 for IPv6, in its compressed form): {@code PROTO=TCP}, {@code TCPREMOTEIP},
 * {@code TCPREMOTEPORT}, {@code TCPLOCALIP}, {@code TCPLOCALPORT}. A datagram's program gets the same with
 * {@code PROTO=UDP} and the prefix {@code UDP}, by the UCSPI rule that {@code PROTO} names the prefix.
 * Names are never looked up ({@code TCPREMOTEHOST} is not set), so a start never waits on DNS.
 *
 * <p>A TLS connection's client certificate subject (ucspi-ssl's {@code SSL_CLIENT_S_DN}) is added by
 * {@link #tcp} once a connection carries its TLS session: that is the one place to add it.
 */
final class UcspiEnvironment {

    private UcspiEnvironment() {
    }

    /** A TCP client's variables. */
    static Map<String, String> tcp(InetSocketAddress remote, InetSocketAddress local) {
        return of("TCP", remote, local);
    }

    /** A datagram's source, and the service's address, as variables. */
    static Map<String, String> udp(InetSocketAddress remote, InetSocketAddress local) {
        return of("UDP", remote, local);
    }

    private static Map<String, String> of(String proto, InetSocketAddress remote, InetSocketAddress local) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PROTO", proto);
        env.put(proto + "REMOTEIP", HostPort.formatAddress(remote.getAddress(), false));
        env.put(proto + "REMOTEPORT", Integer.toString(remote.getPort()));
        env.put(proto + "LOCALIP", HostPort.formatAddress(local.getAddress(), false));
        env.put(proto + "LOCALPORT", Integer.toString(local.getPort()));
        return env;
    }
}
