package dev.netsvc.core.internal;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.Counters;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.Settings;
import dev.netsvc.core.tls.TlsPeer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One service's TLS, loaded from its {@link TlsKeys} once per start: the certificate chain and key (and
 * the client CA bundle), checked against each other and the clock, an {@link SSLContext} and the
 * parameters every connection's {@link SSLEngine} gets. A reload that changes a file starts a new
 * instance of the service with a new context; connections keep the engine they were accepted with.
 *
 * <p>{@link #load} is also the check {@code run}, {@code check} and {@code reload} make before anything
 * starts ({@link dev.netsvc.core.internal.ServiceKeys#check}): every problem is a {@link ConfigException} that
 * names the key, the file and what is wrong (missing, unreadable, not PEM, key of another certificate,
 * expired); a certificate that expires within {@link #EXPIRY_WARNING} or a key file others can read is
 * a warning. Nothing of the key's content ever reaches a message.
 */
public final class TlsContext {

    /** A certificate that expires sooner than this is worth a warning at every check. */
    public static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final SSLContext ssl;
    private final SSLParameters parameters;
    private final long handshakeTimeoutMillis;
    private final Instant notAfter;
    private ServiceCounters counters = new ServiceCounters();

    private TlsContext(SSLContext ssl, SSLParameters parameters, Duration handshakeTimeout, Instant notAfter) {
        this.ssl = ssl;
        this.parameters = parameters;
        this.handshakeTimeoutMillis = handshakeTimeout.toMillis();
        this.notAfter = notAfter;
    }

    /**
     * The TLS of a service starting with {@code context}, or null when it serves plain TCP (no
     * {@code tls.cert}, or settings without the TLS keys). Sets its certificate expiry gauge.
     *
     * @throws ConfigException when a file cannot be used (it changed since the configuration was checked)
     */
    public static TlsContext of(ServiceContext context) {
        ServiceCounters counters = context.counters();
        TlsContext tls = load(context.serviceId(), context.settings(), context::resolve, context.clock(),
                context.applicationProtocols(), warning -> context.log().debug(warning)); // the host said it when it checked
        if (tls == null) {
            if (counters.get(Counters.TLS_CERTIFICATE_EXPIRES) != 0) {
                counters.counter(Counters.TLS_CERTIFICATE_EXPIRES).reset(); // TLS was turned off
            }
            return null;
        }
        tls.counters = counters;
        var expires = counters.counter(Counters.TLS_CERTIFICATE_EXPIRES);
        expires.reset();
        expires.add(tls.notAfter.getEpochSecond());
        return tls;
    }

    /**
     * Loads and checks the TLS of service {@code serviceId}; null when TLS is off.
     *
     * @param resolve  a configured path as the service resolves it (relative ones against the home)
     * @param alpn     the application protocols offered by ALPN, in order of preference (none: no ALPN)
     * @param warnings gets one line per warning (a certificate that expires soon, a key others can read)
     * @throws ConfigException naming the key and the file when TLS is asked for and cannot be had
     */
    public static TlsContext load(String serviceId, Settings settings, java.util.function.UnaryOperator<Path> resolve,
                                  Clock clock, List<String> alpn, Consumer<String> warnings) {
        if (!settings.declares(TlsKeys.CERT)) {
            return null;
        }
        String certText = settings.get(TlsKeys.CERT).strip();
        String keyText = settings.get(TlsKeys.KEY).strip();
        String clientAuth = settings.get(TlsKeys.CLIENT_AUTH);
        String caText = settings.get(TlsKeys.CLIENT_CA).strip();
        List<String> subjects = settings.get(TlsKeys.ALLOW_SUBJECTS);
        if (certText.isEmpty()) {
            for (var key : List.of(TlsKeys.KEY, TlsKeys.CLIENT_CA)) {
                if (!settings.get(key).isBlank()) {
                    throw new ConfigException(full(serviceId, key.name()), full(serviceId, key.name()) + " is set but "
                            + full(serviceId, TlsKeys.CERT.name()) + " is not: TLS is on when " + TlsKeys.CERT.name()
                            + " names the certificate");
                }
            }
            if (!clientAuth.equals("none") || !subjects.isEmpty()) {
                String key = full(serviceId, clientAuth.equals("none") ? TlsKeys.ALLOW_SUBJECTS.name() : TlsKeys.CLIENT_AUTH.name());
                throw new ConfigException(key, key + " is set but " + full(serviceId, TlsKeys.CERT.name())
                        + " is not: client certificates need TLS on");
            }
            return null;
        }
        String certKey = full(serviceId, TlsKeys.CERT.name());
        String keyKey = full(serviceId, TlsKeys.KEY.name());
        String caKey = full(serviceId, TlsKeys.CLIENT_CA.name());
        if (keyText.isEmpty()) {
            throw new ConfigException(keyKey, keyKey + " is required with " + certKey + ": the certificate's private key (PEM)");
        }
        Path certFile = resolve.apply(Path.of(certText));
        Path keyFile = resolve.apply(Path.of(keyText));
        List<X509Certificate> chain = read(certKey, certFile, Pem::certificates);
        PrivateKey key = read(keyKey, keyFile, Pem::privateKey);
        X509Certificate leaf = chain.get(0);
        if (!matches(key, leaf)) {
            throw new ConfigException(keyKey, keyKey + ": " + keyFile + " is not the key of the certificate in " + certFile
                    + " (" + certKey + "); they must be a pair");
        }
        Instant now = clock.instant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (!notAfter.isAfter(now)) {
            throw new ConfigException(certKey, certKey + ": " + certFile + ": the certificate expired on "
                    + DAY.format(notAfter) + "; renew it");
        }
        if (notAfter.isBefore(now.plus(EXPIRY_WARNING))) {
            warnings.accept(certKey + ": " + certFile + ": the certificate expires on " + DAY.format(notAfter) + " (in "
                    + Math.max(0, Duration.between(now, notAfter).toDays()) + " days); renew it");
        }
        if (leaf.getNotBefore().toInstant().isAfter(now)) {
            warnings.accept(certKey + ": " + certFile + ": the certificate is not valid before "
                    + DAY.format(leaf.getNotBefore().toInstant()) + "; clients will refuse it until then");
        }
        if (readableByOthers(keyFile)) {
            warnings.accept(keyKey + ": " + keyFile + " can be read by every user of this machine; make it owner-only"
                    + " (chmod 600)");
        }
        X509ExtendedTrustManager clientTrust = null;
        if (!clientAuth.equals("none")) {
            if (caText.isEmpty()) {
                throw new ConfigException(caKey, caKey + " is required with " + full(serviceId, TlsKeys.CLIENT_AUTH.name())
                        + "=" + clientAuth + ": the PEM bundle of the CAs client certificates must chain to");
            }
            Path caFile = resolve.apply(Path.of(caText));
            clientTrust = new ClientTrust(trustManager(caKey, caFile, read(caKey, caFile, Pem::certificates)), subjects);
        } else if (!caText.isEmpty()) {
            warnings.accept(caKey + " is set but " + full(serviceId, TlsKeys.CLIENT_AUTH.name())
                    + " is none: no client certificate is asked for");
        }
        if (!subjects.isEmpty() && !clientAuth.equals("need")) {
            String subjectsKey = full(serviceId, TlsKeys.ALLOW_SUBJECTS.name());
            throw new ConfigException(subjectsKey, subjectsKey + " needs " + full(serviceId, TlsKeys.CLIENT_AUTH.name())
                    + "=need: a client without a certificate would have no name to allow");
        }
        SSLContext ssl = context(key, chain, clientTrust);
        SSLParameters parameters = parameters(serviceId, ssl, settings, clientAuth, alpn);
        return new TlsContext(ssl, parameters, settings.get(TlsKeys.HANDSHAKE_TIMEOUT), notAfter);
    }

    // ---- for the engines ---------------------------------------------------------------------------

    /** A server engine for one new connection. */
    public SSLEngine newEngine() {
        SSLEngine engine = ssl.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** A new connection's session: its engine, counted in this service's handshake metrics. */
    public TlsSession newSession() {
        return new TlsSession(newEngine(), this);
    }

    public long handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    /** When the certificate expires. */
    public Instant notAfter() {
        return notAfter;
    }

    /** The protocols offered, e.g. {@code [TLSv1.3, TLSv1.2]}. */
    public List<String> protocols() {
        return List.of(parameters.getProtocols());
    }

    /** The cipher suites offered. */
    public List<String> cipherSuites() {
        return List.of(parameters.getCipherSuites());
    }

    /** A handshake completed: counted by protocol version. */
    void completed(SSLSession session) {
        counters.counter(Counters.TLS_HANDSHAKES_COMPLETED.member(versionLabel(session.getProtocol()))).increment();
    }

    /** A handshake failed: counted by reason, and as a failed handshake of the version agreed so far. */
    public void failed(HandshakeFailure reason, String protocol) {
        counters.counter(Counters.TLS_HANDSHAKE_FAILURES.member(reason.label())).increment();
        counters.counter(Counters.TLS_HANDSHAKES_FAILED.member(versionLabel(protocol))).increment();
    }

    /** {@code TLSv1.3} is counted as {@code tls1.3}; nothing agreed yet as {@code none}. */
    static String versionLabel(String protocol) {
        if (protocol == null || !protocol.startsWith("TLSv")) {
            return "none";
        }
        String v = protocol.substring(4);
        return v.matches("[0-9](\\.[0-9])?") ? "tls" + v : "none";
    }

    /** What a handler sees of a completed session. */
    static TlsPeer peer(SSLSession session) {
        String subject = "";
        List<String> names = List.of();
        try {
            Certificate[] certificates = session.getPeerCertificates();
            if (certificates.length > 0 && certificates[0] instanceof X509Certificate client) {
                subject = client.getSubjectX500Principal().getName();
                names = ClientTrust.allNames(client);
            }
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            // no client certificate: none asked for, or 'want' and none sent
        }
        return new TlsPeer(session.getProtocol(), session.getCipherSuite(), subject, names);
    }

    // ---- loading ------------------------------------------------------------------------------------

    private interface Reader<T> {
        T read(Path file) throws Pem.Problem;
    }

    private static <T> T read(String key, Path file, Reader<T> reader) {
        if (!Files.exists(file)) {
            throw new ConfigException(key, key + ": " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(key, key + ": " + file + " is not a regular file");
        }
        try {
            return reader.read(file);
        } catch (Pem.Problem e) {
            throw new ConfigException(key, key + ": " + file + " " + e.getMessage());
        }
    }

    /** Whether {@code key} signs what its certificate's public key verifies: they are a pair. */
    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                signer.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                verifier.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // a key of another algorithm than the certificate's, for one
        }
    }

    private static boolean readableByOthers(Path keyFile) {
        try {
            return Files.getPosixFilePermissions(keyFile).contains(PosixFilePermission.OTHERS_READ);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static X509ExtendedTrustManager trustManager(String key, Path file, List<X509Certificate> cas) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("no X.509 trust manager");
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException(key, key + ": " + file + " cannot be used as a CA bundle: " + e.getMessage());
        }
    }

    private static SSLContext context(PrivateKey key, List<X509Certificate> chain, X509ExtendedTrustManager clientTrust) {
        try {
            char[] password = Long.toHexString(new SecureRandom().nextLong()).toCharArray(); // in memory only
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(keys.getKeyManagers(), clientTrust == null ? null : new TrustManager[] {clientTrust}, new SecureRandom());
            return ssl;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("this Java cannot set up TLS: " + e, e);
        }
    }

    private static SSLParameters parameters(String serviceId, SSLContext ssl, Settings settings, String clientAuth,
                                            List<String> alpn) {
        List<String> protocols = settings.get(TlsKeys.PROTOCOLS);
        List<String> ciphers = settings.get(TlsKeys.CIPHERS);
        String ciphersKey = full(serviceId, TlsKeys.CIPHERS.name());
        List<String> supported = List.of(ssl.getSupportedSSLParameters().getCipherSuites());
        List<String> suites;
        if (ciphers.isEmpty()) {
            suites = defaultSuites(ssl);
        } else {
            for (String suite : ciphers) {
                if (!supported.contains(suite)) {
                    throw new ConfigException(ciphersKey, ciphersKey + ": '" + suite + "' is not a cipher suite this Java"
                            + " offers; expected names such as TLS_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
                }
            }
            suites = ciphers;
        }
        boolean any = suites.stream().anyMatch(s -> protocols.contains(isTls13(s) ? "TLSv1.3" : "TLSv1.2"));
        if (!any) {
            throw new ConfigException(ciphersKey, ciphersKey + ": none of its suites works with "
                    + String.join(", ", protocols) + " (TLS 1.3 suites start TLS_AES_ or TLS_CHACHA20_)");
        }
        SSLParameters p = ssl.getDefaultSSLParameters();
        p.setProtocols(protocols.toArray(String[]::new));
        p.setCipherSuites(suites.toArray(String[]::new));
        p.setUseCipherSuitesOrder(true);
        p.setNeedClientAuth(clientAuth.equals("need"));
        if (clientAuth.equals("want")) {
            p.setWantClientAuth(true);
        }
        if (!alpn.isEmpty()) {
            p.setApplicationProtocols(alpn.toArray(String[]::new));
        }
        return p;
    }

    /**
     * The JDK's enabled suites less CBC (padding oracles: Lucky13 and its kin) and those without forward
     * secrecy (RSA key exchange, static ECDH): what {@code tls.ciphers} empty means.
     */
    static List<String> defaultSuites(SSLContext ssl) {
        List<String> out = new ArrayList<>();
        for (String suite : ssl.getDefaultSSLParameters().getCipherSuites()) {
            boolean forwardSecret = isTls13(suite) || suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_");
            if (forwardSecret && !suite.contains("_CBC_") && !suite.contains("_anon_") && !suite.contains("_NULL_")) {
                out.add(suite);
            }
        }
        return out;
    }

    private static boolean isTls13(String suite) {
        return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_");
    }

    private static String full(String serviceId, String name) {
        return serviceId + "." + name;
    }

    @Override
    public String toString() {
        return "TLS " + Arrays.toString(parameters.getProtocols()) + " until " + DAY.format(notAfter);
    }
}
