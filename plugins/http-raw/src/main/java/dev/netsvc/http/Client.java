package dev.netsvc.http;

import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.tls.TlsPeer;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Who a connection serves, as the access log names it: the client's address (the PROXY header's when the
 * service is behind a balancer) and, under TLS with a client certificate, the certificate's name.
 *
 * @param address the address, as the access log prints it
 * @param user    the client certificate's name (its CN, else its first alternative name), or null
 */
record Client(String address, String user) {

    static Client of(InetSocketAddress remote, Optional<TlsPeer> tls) {
        String user = tls.filter(TlsPeer::hasClientCertificate).map(TlsPeer::clientName).filter(n -> !n.isEmpty()).orElse(null);
        return new Client(HostPort.formatAddress(remote.getAddress(), false), user);
    }
}
