package dev.netsvc.core;

import dev.netsvc.core.net.HostPort;

import java.net.InetSocketAddress;
import java.util.Objects;

/** One address a running service listens on, with the transport it speaks there. */
public record Endpoint(Transport transport, InetSocketAddress address) {

    public Endpoint {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(address, "address");
    }

    public int port() {
        return address.getPort();
    }

    /** {@code tcp 127.0.0.1:7007} or {@code udp [::1]:7008}. */
    @Override
    public String toString() {
        return transport.label() + " " + HostPort.format(address);
    }
}
