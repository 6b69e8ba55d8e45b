package dev.netsvc.core.internal;

import dev.netsvc.core.Transport;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketErrors;

import java.net.BindException;
import java.net.InetSocketAddress;

/**
 * A socket could not be bound. Unlike the JDK's {@link BindException} it knows the transport and the
 * address, so {@link SocketErrors} can say "port 7007 on 127.0.0.1 is already in use".
 */
public final class BindFailure extends BindException {
    private static final long serialVersionUID = 1L;

    private final Transport transport;
    private final InetSocketAddress address;

    public BindFailure(Transport transport, InetSocketAddress address, BindException cause) {
        super(transport.label() + " " + HostPort.format(address) + ": " + cause.getMessage());
        initCause(cause);
        this.transport = transport;
        this.address = address;
    }

    public Transport transport() {
        return transport;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The JDK's own message, e.g. "Address already in use". */
    public String reason() {
        return getCause().getMessage();
    }
}
