package dev.netsvc.core.internal;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/**
 * Why a TLS handshake failed, as {@code /metrics} counts it ({@code reason}). The JDK says why only in
 * its exceptions' messages and causes, so this reads them once, here.
 */
public enum HandshakeFailure {
    /** No protocol version or cipher suite both sides accept (a TLS 1.0 client, an export suite). */
    NO_COMMON_PROTOCOL("no-common-protocol"),
    /** The peer's certificate does not chain to a trusted CA (ours to a client that does not know our CA too). */
    UNKNOWN_CA("unknown-ca"),
    /** A certificate was missing, expired, malformed or refused by the peer. */
    BAD_CERTIFICATE("bad-certificate"),
    /** The client's certificate verified but its name is not in {@code tls.allow-subjects}. */
    SUBJECT("subject-not-allowed"),
    /** The handshake did not complete within {@code tls.handshake-timeout}. */
    TIMEOUT("timeout"),
    /** What came was not a TLS handshake (plain text, garbage), or broke the protocol. */
    NOT_TLS("not-tls"),
    /** The client closed the connection before the handshake completed. */
    CLOSED("closed"),
    /** Anything else; the log says what. */
    OTHER("other");

    private final String label;

    HandshakeFailure(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The reason for {@code failure}, thrown by an SSLEngine during the handshake. */
    public static HandshakeFailure of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ClientTrust.SubjectRefused) {
                return SUBJECT;
            }
            if (t instanceof CertPathBuilderException) {
                return UNKNOWN_CA;
            }
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException
                    || t instanceof CertPathValidatorException) {
                return BAD_CERTIFICATE;
            }
        }
        String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("unknown_ca") || message.contains("pkix path building")) {
            return UNKNOWN_CA;
        }
        if (message.contains("certificate") || message.contains("bad_certificate")) {
            return BAD_CERTIFICATE; // e.g. "empty client certificate chain", "received fatal alert: certificate_unknown"
        }
        if (message.contains("no cipher suites in common") || message.contains("protocol_version")
                || message.contains("no appropriate protocol") || message.contains("not accepted by server")
                || message.contains("is not enabled or supported") || message.contains("handshake_failure")
                || message.contains("insufficient_security") || message.contains("no_application_protocol")
                || message.contains("no negotiable cipher")) {
            return NO_COMMON_PROTOCOL;
        }
        if (message.contains("unsupported or unrecognized ssl message") || message.contains("plaintext connection")
                || message.contains("unexpected") || message.contains("illegal") || message.contains("invalid")
                || message.contains("record") || message.contains("insufficient buffer") || message.contains("decode")) {
            return NOT_TLS;
        }
        return OTHER;
    }
}
