package dev.netsvc.core.internal;

import dev.netsvc.core.ConfigKey;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The TLS keys every TCP service has, declared once: the host adds {@link #KEYS} to the keys of each
 * service that listens on TCP ({@code ServiceKeys.withOwn}, the host's), and core's three engines
 * read them, so a plugin declares nothing and writes nothing to serve TLS. TLS is on when
 * {@code tls.cert} is set. A service must not declare keys with these names itself.
 */
final class TlsKeys {

    /** The protocol versions {@code tls.protocols} may name: nothing older than TLS 1.2. */
    public static final List<String> VERSIONS = List.of("TLSv1.3", "TLSv1.2");
    /** The values of {@code tls.client-auth}. */
    public static final List<String> CLIENT_AUTH_MODES = List.of("none", "want", "need");

    private TlsKeys() {
    }

    public static final ConfigKey<String> CERT = ConfigKey.string("tls.cert", "",
            "PEM certificate chain, the server's own first; TLS is on when it is set (a relative path is under the netsvc home)")
            .readsFile();
    public static final ConfigKey<String> KEY = ConfigKey.string("tls.key", "",
            "the certificate's private key: unencrypted PEM (PKCS#8, PKCS#1 RSA or SEC1 EC); keep it owner-only")
            .readsFile();
    public static final ConfigKey<List<String>> PROTOCOLS = new ConfigKey<>("tls.protocols", "TLSv1.3,TLSv1.2",
            "TLS versions offered, comma-separated: TLSv1.3, TLSv1.2", TlsKeys::protocols);
    public static final ConfigKey<List<String>> CIPHERS = new ConfigKey<>("tls.ciphers", "",
            "cipher suites offered, comma-separated (Java names); empty: the JDK's less the CBC and non-forward-secret ones",
            TlsKeys::names);
    public static final ConfigKey<String> CLIENT_AUTH = ConfigKey.choice("tls.client-auth", "none", CLIENT_AUTH_MODES,
            "client certificates: none, want (asked, verified if sent) or need (refused without one); needs tls.client-ca");
    public static final ConfigKey<String> CLIENT_CA = ConfigKey.string("tls.client-ca", "",
            "PEM bundle of the CA certificates client certificates must chain to").readsFile();
    public static final ConfigKey<List<String>> ALLOW_SUBJECTS = new ConfigKey<>("tls.allow-subjects", "",
            "client certificate names (CN or DNS SAN) allowed, comma-separated, exact or *.example.com; empty: any verified",
            TlsKeys::subjects);
    public static final ConfigKey<Duration> HANDSHAKE_TIMEOUT = ConfigKey.duration("tls.handshake-timeout", "10s",
            Duration.ofMillis(100), Duration.ofMinutes(5), "a TLS handshake not complete this long after connecting is closed");

    /** Every TLS key, in the order {@code netsvc list} shows them. */
    public static final List<ConfigKey<?>> KEYS = List.of(CERT, KEY, PROTOCOLS, CIPHERS, CLIENT_AUTH, CLIENT_CA,
            ALLOW_SUBJECTS, HANDSHAKE_TIMEOUT);

    private static List<String> protocols(String text) {
        List<String> out = new ArrayList<>();
        for (String name : names(text)) {
            String known = VERSIONS.stream().filter(p -> p.equalsIgnoreCase(name)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("'" + name + "' is not a protocol netsvc offers; expected TLSv1.3, TLSv1.2"
                            + (name.toLowerCase(Locale.ROOT).matches("(tlsv1(\\.[01])?|sslv[23])") ? " (older versions are insecure)" : "")));
            if (!out.contains(known)) {
                out.add(known);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no protocol; expected TLSv1.3, TLSv1.2 or both");
        }
        return List.copyOf(out);
    }

    private static List<String> names(String text) {
        List<String> out = new ArrayList<>();
        for (String entry : text.split(",")) {
            if (!entry.isBlank()) {
                out.add(entry.strip());
            }
        }
        return List.copyOf(out);
    }

    private static List<String> subjects(String text) {
        List<String> out = new ArrayList<>();
        for (String entry : names(text)) {
            String rest = entry.startsWith("*.") ? entry.substring(2) : entry;
            if (rest.isEmpty() || rest.contains("*") || rest.chars().anyMatch(c -> c <= ' ' || c == 0x7F)) {
                throw new IllegalArgumentException("'" + entry + "' is not a name or a *.domain wildcard");
            }
            out.add(entry.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(out);
    }
}
