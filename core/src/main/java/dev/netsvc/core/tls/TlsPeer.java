package dev.netsvc.core.tls;

import java.util.List;
import java.util.Objects;

/**
 * The TLS side of a connection, as its handler sees it once the handshake is complete: the protocol and
 * cipher suite agreed, and the client certificate when the client sent one that verified
 * ({@code tls.client-auth} want or need). The handler itself reads and writes plaintext.
 *
 * @param protocol    {@code TLSv1.3} or {@code TLSv1.2}
 * @param cipherSuite the suite agreed, e.g. {@code TLS_AES_128_GCM_SHA256}
 * @param subject     the client certificate's subject (RFC 2253, e.g. {@code CN=alice,O=Example}), or empty
 *                    when no client certificate was presented
 * @param names       its common name (first) and subject alternative names (DNS, e-mail, URI, IP), as text
 */
public record TlsPeer(String protocol, String cipherSuite, String subject, List<String> names) {

    public TlsPeer {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        Objects.requireNonNull(subject, "subject");
        names = List.copyOf(names);
    }

    /** Whether the client presented a certificate that verified. */
    public boolean hasClientCertificate() {
        return !subject.isEmpty();
    }

    /** The name to show for the client (its CN, else its first alternative name), or empty. */
    public String clientName() {
        return names.isEmpty() ? "" : names.get(0);
    }
}
