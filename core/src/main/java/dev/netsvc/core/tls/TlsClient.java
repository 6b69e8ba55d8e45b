package dev.netsvc.core.tls;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.ClientOption;
import dev.netsvc.core.UsageException;
import dev.netsvc.core.internal.Pem;
import dev.netsvc.core.net.HostPort;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS side of every TCP client ({@code netsvc call echo ... --tls}, {@code call http https://...},
 * {@code bench echo ... --tls}), declared once: the options, a context from them, and a connected socket
 * turned into a TLS one whose handshake is done and whose server certificate was verified against the
 * host name asked for. A failure reads in plain words naming the server: the certificate expired, names
 * another host, is signed by a CA this client does not know, the handshake timed out.
 */
public final class TlsClient {

    public static final ClientOption TLS = ClientOption.flag("tls", null,
            "talk TLS; the server's certificate is verified against the system's CAs (or --cacert) and the host name");
    public static final ClientOption CACERT = ClientOption.value("cacert", null, "FILE",
            "with TLS: trust the CAs in this PEM bundle instead of the system's");
    public static final ClientOption CERT = ClientOption.value("cert", null, "FILE",
            "with TLS: present this PEM client certificate (with --key)");
    public static final ClientOption KEY = ClientOption.value("key", null, "FILE", "with TLS: the PEM private key of --cert");
    public static final ClientOption INSECURE = ClientOption.flag("insecure", "k",
            "with TLS: do not verify the server's certificate (for tests; anyone in between can read along)");

    /** The options of a client that may talk TLS, {@code --tls} included. */
    public static final List<ClientOption> OPTIONS = List.of(TLS, CACERT, CERT, KEY, INSECURE);
    /** The options of a client for which TLS is asked for otherwise (an https:// URL): no {@code --tls}. */
    public static final List<ClientOption> OPTIONS_WITHOUT_FLAG = List.of(CACERT, CERT, KEY, INSECURE);

    private TlsClient() {
    }

    /** Whether {@code call} asks for TLS ({@code --tls}). */
    public static boolean requested(ClientInvocation call) {
        return call.has(TLS.longName());
    }

    /**
     * The context the invocation's options make: the system's CAs or {@code --cacert}'s, {@code --cert}
     * and {@code --key} presented, nothing verified with {@code --insecure}.
     *
     * @throws UsageException naming the option when a file cannot be used
     */
    public static SSLContext context(ClientInvocation call) {
        String cert = call.value(CERT.longName()).orElse(null);
        String key = call.value(KEY.longName()).orElse(null);
        if ((cert == null) != (key == null)) {
            throw new UsageException(cert == null ? "--key needs --cert" : "--cert needs --key");
        }
        try {
            KeyManagerFactory keys = null;
            if (cert != null) {
                List<X509Certificate> chain = read("--cert", cert, true).certificates;
                PrivateKey privateKey = read("--key", key, false).key;
                char[] password = "client".toCharArray(); // an in-memory store's
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("client", privateKey, password, chain.toArray(new Certificate[0]));
                keys = KeyManagerFactory.getInstance("SunX509");
                keys.init(store, password);
            }
            TrustManager[] trust;
            if (call.has(INSECURE.longName())) {
                trust = new TrustManager[] {new TrustingEveryone()};
            } else if (call.value(CACERT.longName()).isPresent()) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                List<X509Certificate> cas = read("--cacert", call.value(CACERT.longName()).get(), true).certificates;
                for (int i = 0; i < cas.size(); i++) {
                    store.setCertificateEntry("ca-" + i, cas.get(i));
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
                factory.init(store);
                trust = factory.getTrustManagers();
            } else {
                trust = null; // the JDK's own CAs
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust, new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("this Java cannot set up TLS: " + e, e);
        }
    }

    /**
     * {@code socket}, connected to {@code target}, as a TLS socket whose handshake is done: the server's
     * certificate verified against {@code target}'s host (unless {@code --insecure}), offering
     * {@code alpn} (none: no ALPN). Closing it closes {@code socket}.
     *
     * @throws ClientException in plain words naming the server when the handshake fails
     */
    public static SSLSocket over(Socket socket, HostPort target, SSLContext context, boolean verifyHost, List<String> alpn)
            throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, target.host(), target.port(), true);
        SSLParameters parameters = tls.getSSLParameters();
        if (verifyHost) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
        }
        if (!alpn.isEmpty()) {
            parameters.setApplicationProtocols(alpn.toArray(String[]::new));
        }
        tls.setSSLParameters(parameters);
        try {
            tls.startHandshake();
            return tls;
        } catch (SocketTimeoutException e) {
            int waited = socket.getSoTimeout(); // before the close: a closed socket has no timeout to tell
            tls.close();
            throw new ClientException("the TLS handshake with " + target + " timed out after " + waited
                    + " ms: is it a TLS port?", e);
        } catch (SSLException e) {
            tls.close();
            throw new ClientException(explain(e, target), e);
        }
    }

    /** {@link #over(Socket, HostPort, SSLContext, boolean, List)} with the invocation's options. */
    public static SSLSocket over(Socket socket, HostPort target, ClientInvocation call, List<String> alpn) throws IOException {
        return over(socket, target, context(call), !call.has(INSECURE.longName()), alpn);
    }

    /** A failed handshake with {@code target} in plain words, with a hint where one helps. */
    public static String explain(SSLException failure, HostPort target) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return "the certificate of " + target + " has expired (" + t.getMessage() + ")";
            }
        }
        String all = messages(failure).toLowerCase(Locale.ROOT);
        if (all.contains("no subject alternative") || all.contains("no name matching")) {
            return "the certificate of " + target + " is not for " + target.host() + " (name mismatch)\n"
                    + "  hint: connect by a name the certificate lists, or --insecure to skip the check";
        }
        if (all.contains("pkix path building") || all.contains("unable to find valid certification path")) {
            return "the certificate of " + target + " is signed by a CA this client does not know (unknown CA)\n"
                    + "  hint: --cacert FILE to trust its CA, or --insecure to skip the check";
        }
        if (all.contains("validity check failed") || all.contains("notafter") || all.contains("certificate expired")) {
            return "the certificate of " + target + " has expired";
        }
        if (all.contains("unsupported or unrecognized ssl message") || all.contains("plaintext connection")
                || all.contains("unexpected handshake message: client_hello")) { // a plain echo sent our ClientHello back
            return target + " does not speak TLS on this port";
        }
        if (all.contains("certificate_required") || all.contains("bad_certificate") || all.contains("certificate_unknown")
                || all.contains("access_denied")) {
            return target + " refused the TLS handshake: it wants a client certificate it trusts\n"
                    + "  hint: --cert FILE --key FILE";
        }
        if (all.contains("protocol_version") || all.contains("no appropriate protocol") || all.contains("handshake_failure")) {
            return target + " and this client have no TLS version or cipher in common";
        }
        if (all.contains("remote host terminated") || all.contains("connection reset")) {
            return target + " closed the connection during the TLS handshake";
        }
        return "the TLS handshake with " + target + " failed: " + failure.getMessage();
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append(' ');
        }
        return all.toString();
    }

    private record Material(List<X509Certificate> certificates, PrivateKey key) {
    }

    private static Material read(String option, String file, boolean certificates) {
        try {
            Path path = Path.of(file);
            return certificates ? new Material(Pem.certificates(path), null) : new Material(null, Pem.privateKey(path));
        } catch (Pem.Problem e) {
            throw new UsageException(option + " " + file + ": the file " + e.getMessage());
        } catch (RuntimeException e) {
            throw new UsageException(option + " " + file + ": not a file name");
        }
    }

    /** {@code --insecure}: every server certificate is taken. */
    private static final class TrustingEveryone implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a client's trust");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // --insecure: the user said so
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
