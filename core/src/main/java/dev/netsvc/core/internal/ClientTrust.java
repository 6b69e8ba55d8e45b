package dev.netsvc.core.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Client certificates as access control: the CA bundle's verdict first (the JDK's PKIX trust manager),
 * then {@code tls.allow-subjects}, inside the handshake, so a refused client gets a TLS alert and never a
 * byte of service. A name matches an entry when equal to it (case-insensitive), or, for an entry
 * {@code *.example.com}, when it is one label followed by {@code .example.com} (as in host names: not
 * {@code example.com}, not {@code a.b.example.com}). The names are the subject's CN and the DNS names
 * among its alternative names.
 */
final class ClientTrust extends X509ExtendedTrustManager {

    /** The client's certificate verified, but its names are not among those allowed. */
    static final class SubjectRefused extends CertificateException {
        private static final long serialVersionUID = 1L;

        SubjectRefused(String message) {
            super(message);
        }
    }

    private final X509ExtendedTrustManager cas;
    private final List<String> allowed;

    ClientTrust(X509ExtendedTrustManager cas, List<String> allowed) {
        this.cas = cas;
        this.allowed = List.copyOf(allowed);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        cas.checkClientTrusted(chain, authType, engine);
        checkNames(chain[0]);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        cas.checkClientTrusted(chain, authType, socket);
        checkNames(chain[0]);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        cas.checkClientTrusted(chain, authType);
        checkNames(chain[0]);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a server's trust of clients does not verify servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a server's trust of clients does not verify servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a server's trust of clients does not verify servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return cas.getAcceptedIssuers();
    }

    private void checkNames(X509Certificate client) throws SubjectRefused {
        if (allowed.isEmpty()) {
            return;
        }
        List<String> names = matchableNames(client);
        for (String name : names) {
            if (allows(allowed, name)) {
                return;
            }
        }
        throw new SubjectRefused("client certificate " + (names.isEmpty() ? "without a name" : names)
                + " is not in tls.allow-subjects");
    }

    /** Whether {@code name} matches one of {@code allowed} (exact, or {@code *.} one label). */
    static boolean allows(List<String> allowed, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (String entry : allowed) {
            if (entry.startsWith("*.")) {
                String suffix = entry.substring(1); // .example.com
                if (n.endsWith(suffix) && n.length() > suffix.length() && n.lastIndexOf('.', n.length() - suffix.length() - 1) < 0) {
                    return true;
                }
            } else if (n.equals(entry)) {
                return true;
            }
        }
        return false;
    }

    /** The subject's CN and its DNS alternative names. */
    static List<String> matchableNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        String cn = commonName(certificate);
        if (!cn.isEmpty()) {
            names.add(cn);
        }
        for (List<?> san : alternativeNames(certificate)) {
            if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String dns) {
                names.add(dns);
            }
        }
        return names;
    }

    /** The CN first, then every alternative name as text (DNS, e-mail, URI, IP), for the handler. */
    static List<String> allNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        String cn = commonName(certificate);
        if (!cn.isEmpty()) {
            names.add(cn);
        }
        for (List<?> san : alternativeNames(certificate)) {
            if (san.size() >= 2 && san.get(1) instanceof String text && !names.contains(text)) {
                names.add(text);
            }
        }
        return names;
    }

    static String commonName(X509Certificate certificate) {
        try {
            LdapName dn = new LdapName(certificate.getSubjectX500Principal().getName());
            for (Rdn rdn : dn.getRdns().reversed()) { // most specific first
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            // a subject the JDK printed but cannot parse back: no CN
        }
        return "";
    }

    private static Collection<List<?>> alternativeNames(X509Certificate certificate) {
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            return sans == null ? List.of() : sans;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }
}
