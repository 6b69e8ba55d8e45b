package dev.netsvc.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Certificates for tests of TLS services, made in memory without a tool: a CA of your own, server and
 * client certificates it issues (with DNS and IP alternative names, any validity), written as the PEM
 * files a service's {@code tls.cert}, {@code tls.key} and {@code tls.client-ca} name.
 * <pre>{@code
 * TestCertificates.Authority ca = TestCertificates.authority("test CA");
 * TestCertificates.Issued server = ca.issue("localhost", List.of("localhost", "127.0.0.1"));
 * try (ServiceHarness echo = ServiceHarness.of(new EchoBlockingService())
 *         .set("tls.cert", server.writeChain(dir.resolve("cert.pem")).toString())
 *         .set("tls.key", server.writeKey(dir.resolve("key.pem")).toString()).start()) {
 *     SSLSocket socket = ca.clientContext(null).getSocketFactory() ... // trusts the CA
 * }
 * }</pre>
 * Keys are ECDSA P-256 unless RSA is asked for. Not for production: nothing here is kept secret.
 */
public final class TestCertificates {

    /** How a private key is written: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 RSA or SEC1 EC. */
    public enum KeyFormat { PKCS8, PKCS1, SEC1 }

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestCertificates() {
    }

    /** A new self-signed CA (EC P-256), valid from a day ago for ten years. */
    public static Authority authority(String commonName) {
        KeyPair keys = keyPair("EC");
        Instant now = Instant.now();
        X509Certificate cert = sign(commonName, "CN=" + commonName, keys.getPublic().getEncoded(), keys.getPrivate(), true, List.of(),
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)));
        return new Authority(new Issued(cert, keys.getPrivate(), List.of(cert)));
    }

    /**
     * A certificate with its key and the chain a server sends (itself, then its issuer).
     *
     * @param certificate the certificate
     * @param key         its private key
     * @param chain       the certificate first, then the CA's
     */
    public record Issued(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {

        /** Writes the chain as PEM ({@code tls.cert}); returns {@code file}. */
        public Path writeChain(Path file) {
            StringBuilder pem = new StringBuilder();
            for (X509Certificate c : chain) {
                try {
                    pem.append(pem("CERTIFICATE", c.getEncoded()));
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            }
            return write(file, pem.toString(), false);
        }

        /** Writes the certificate alone as PEM (a CA bundle of one, {@code tls.client-ca}). */
        public Path writeCertificate(Path file) {
            try {
                return write(file, pem("CERTIFICATE", certificate.getEncoded()), false);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Writes the key as unencrypted PKCS#8 PEM, owner-only ({@code tls.key}). */
        public Path writeKey(Path file) {
            return writeKey(file, KeyFormat.PKCS8);
        }

        /** Writes the key in {@code format}, owner-only. */
        public Path writeKey(Path file, KeyFormat format) {
            byte[] pkcs8 = key.getEncoded();
            String pem = switch (format) {
                case PKCS8 -> pem("PRIVATE KEY", pkcs8);
                case PKCS1 -> {
                    require(key.getAlgorithm().equals("RSA"), "PKCS#1 is for RSA keys");
                    yield pem("RSA PRIVATE KEY", Der.pkcs8Inner(pkcs8));
                }
                case SEC1 -> {
                    require(key.getAlgorithm().equals("EC"), "SEC1 is for EC keys");
                    yield pem("EC PRIVATE KEY", Der.sec1WithCurve(Der.pkcs8Inner(pkcs8)));
                }
            };
            return write(file, pem, true);
        }
    }

    /** A CA that issues certificates. */
    public static final class Authority {
        private final Issued self;

        private Authority(Issued self) {
            this.self = self;
        }

        /** The CA's own certificate and key. */
        public Issued certificate() {
            return self;
        }

        /** A server and client certificate for {@code commonName} and {@code names} (DNS names or IP literals), valid for a year. */
        public Issued issue(String commonName, List<String> names) {
            Instant now = Instant.now();
            return issue(commonName, names, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)), "EC");
        }

        /** A certificate valid from {@code notBefore} to {@code notAfter}, with a key of {@code algorithm} (EC or RSA). */
        public Issued issue(String commonName, List<String> names, Instant notBefore, Instant notAfter, String algorithm) {
            KeyPair keys = keyPair(algorithm);
            X509Certificate cert = sign(commonName, self.certificate().getSubjectX500Principal().getName(),
                    keys.getPublic().getEncoded(), self.key(), false, names, notBefore, notAfter);
            return new Issued(cert, keys.getPrivate(), List.of(cert, self.certificate()));
        }

        /**
         * A client's TLS context that trusts this CA only, presenting {@code client} when it is not null
         * (whatever CAs the server names, as curl and openssl do).
         */
        public javax.net.ssl.SSLContext clientContext(Issued client) {
            try {
                java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                trust.setCertificateEntry("ca", self.certificate());
                javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
                tmf.init(trust);
                javax.net.ssl.KeyManager[] keyManagers = null;
                if (client != null) {
                    char[] password = "test".toCharArray();
                    java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
                    keys.load(null, null);
                    keys.setKeyEntry("client", client.key(), password, client.chain().toArray(new java.security.cert.Certificate[0]));
                    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("SunX509"); // aliases as stored
                    kmf.init(keys, password);
                    keyManagers = new javax.net.ssl.KeyManager[] {
                            new AlwaysPresent((javax.net.ssl.X509ExtendedKeyManager) kmf.getKeyManagers()[0])};
                }
                javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
                context.init(keyManagers, tmf.getTrustManagers(), RANDOM);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Presents the client's one certificate whatever issuers the server asks for. */
    private static final class AlwaysPresent extends javax.net.ssl.X509ExtendedKeyManager {
        private final javax.net.ssl.X509ExtendedKeyManager keys;

        AlwaysPresent(javax.net.ssl.X509ExtendedKeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
            return "client";
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return "client";
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return keys.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    // ---- making certificates --------------------------------------------------------------------------

    private static KeyPair keyPair(String algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            } else {
                generator.initialize(2048, RANDOM);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(String subject, String issuerDn, byte[] publicKeyInfo, PrivateKey issuerKey, boolean ca,
                                        List<String> names, Instant notBefore, Instant notAfter) {
        boolean rsa = issuerKey.getAlgorithm().equals("RSA");
        byte[] algorithm = rsa ? Der.seq(Der.oid("1.2.840.113549.1.1.11"), new byte[] {0x05, 0x00})
                : Der.seq(Der.oid("1.2.840.10045.4.3.2"));
        List<byte[]> extensions = new ArrayList<>();
        if (ca) {
            extensions.add(Der.extension("2.5.29.19", true, Der.seq(new byte[] {0x01, 0x01, (byte) 0xFF})));
            extensions.add(Der.extension("2.5.29.15", true, new byte[] {0x03, 0x02, 0x01, 0x06})); // keyCertSign, cRLSign
        } else {
            extensions.add(Der.extension("2.5.29.19", true, Der.seq()));
            extensions.add(Der.extension("2.5.29.37", false,
                    Der.seq(Der.oid("1.3.6.1.5.5.7.3.1"), Der.oid("1.3.6.1.5.5.7.3.2")))); // serverAuth, clientAuth
            if (!names.isEmpty()) {
                List<byte[]> general = new ArrayList<>();
                for (String name : names) {
                    general.add(isIp(name) ? Der.tlv(0x87, ip(name)) : Der.tlv(0x82, name.getBytes(StandardCharsets.US_ASCII)));
                }
                extensions.add(Der.extension("2.5.29.17", false, Der.seq(general.toArray(byte[][]::new))));
            }
        }
        byte[] tbs = Der.seq(
                Der.tlv(0xA0, Der.tlv(0x02, new byte[] {2})),
                Der.tlv(0x02, new BigInteger(63, RANDOM).add(BigInteger.ONE).toByteArray()),
                algorithm,
                Der.name(issuerDn),
                Der.seq(Der.time(notBefore), Der.time(notAfter)),
                Der.name("CN=" + subject),
                publicKeyInfo,
                Der.tlv(0xA3, Der.seq(extensions.toArray(byte[][]::new))));
        try {
            Signature signer = Signature.getInstance(rsa ? "SHA256withRSA" : "SHA256withECDSA");
            signer.initSign(issuerKey);
            signer.update(tbs);
            byte[] signature = signer.sign();
            byte[] bitString = new byte[signature.length + 1];
            System.arraycopy(signature, 0, bitString, 1, signature.length);
            byte[] der = Der.seq(tbs, algorithm, Der.tlv(0x03, bitString));
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isIp(String name) {
        return name.matches("[0-9.]+") || name.contains(":");
    }

    private static byte[] ip(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress(); // a literal: no lookup
        } catch (IOException e) {
            throw new IllegalArgumentException(literal + " is not an IP literal");
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static Path write(Path file, String text, boolean secret) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
            if (secret) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (UnsupportedOperationException e) {
            return file; // not a POSIX file system: permissions as they come
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Just enough DER for certificates. */
    private static final class Der {
        private Der() {
        }

        static byte[] tlv(int tag, byte[] content) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(tag);
            int n = content.length;
            if (n < 0x80) {
                out.write(n);
            } else if (n < 0x100) {
                out.write(0x81);
                out.write(n);
            } else {
                out.write(0x82);
                out.write(n >> 8);
                out.write(n);
            }
            out.writeBytes(content);
            return out.toByteArray();
        }

        static byte[] seq(byte[]... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] p : parts) {
                out.writeBytes(p);
            }
            return tlv(0x30, out.toByteArray());
        }

        static byte[] oid(String dotted) {
            String[] arcs = dotted.split("\\.");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
            for (int i = 2; i < arcs.length; i++) {
                long arc = Long.parseLong(arcs[i]);
                int shift = 63 - Long.numberOfLeadingZeros(Math.max(arc, 1));
                shift -= shift % 7;
                for (; shift > 0; shift -= 7) {
                    out.write((int) (0x80 | ((arc >>> shift) & 0x7F)));
                }
                out.write((int) (arc & 0x7F));
            }
            return tlv(0x06, out.toByteArray());
        }

        static byte[] extension(String oid, boolean critical, byte[] value) {
            return critical ? seq(oid(oid), new byte[] {0x01, 0x01, (byte) 0xFF}, tlv(0x04, value))
                    : seq(oid(oid), tlv(0x04, value));
        }

        /** A name of CN and O attributes, as an RFC 2253 string names them, most significant first in DER. */
        static byte[] name(String rfc2253) {
            List<byte[]> rdns = new ArrayList<>();
            String[] parts = rfc2253.split(",");
            for (int i = parts.length - 1; i >= 0; i--) {
                String part = parts[i].strip();
                int eq = part.indexOf('=');
                String type = part.substring(0, eq).toUpperCase(java.util.Locale.ROOT);
                String value = part.substring(eq + 1);
                String oid = switch (type) {
                    case "CN" -> "2.5.4.3";
                    case "O" -> "2.5.4.10";
                    case "OU" -> "2.5.4.11";
                    case "C" -> "2.5.4.6";
                    default -> throw new IllegalArgumentException("name attribute " + type);
                };
                rdns.add(tlv(0x31, seq(oid(oid), tlv(0x0C, value.getBytes(StandardCharsets.UTF_8)))));
            }
            return seq(rdns.toArray(byte[][]::new));
        }

        static byte[] time(Instant t) {
            var utc = t.atOffset(ZoneOffset.UTC);
            if (utc.getYear() < 2050 && utc.getYear() >= 1950) {
                return tlv(0x17, DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").format(utc).getBytes(StandardCharsets.US_ASCII));
            }
            return tlv(0x18, DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").format(utc).getBytes(StandardCharsets.US_ASCII));
        }

        /** The key inside a PKCS#8 structure: PKCS#1 for RSA, SEC1 (without its curve) for EC. */
        static byte[] pkcs8Inner(byte[] pkcs8) {
            int[] outer = header(pkcs8, 0);
            int at = outer[0];
            int[] version = header(pkcs8, at);
            at = version[0] + version[1];
            int[] algorithm = header(pkcs8, at);
            at = algorithm[0] + algorithm[1];
            int[] key = header(pkcs8, at);
            byte[] out = new byte[key[1]];
            System.arraycopy(pkcs8, key[0], out, 0, out.length);
            return out;
        }

        /** SEC1 with [0] namedCurve P-256 added after the private key, as OpenSSL writes it. */
        static byte[] sec1WithCurve(byte[] sec1) {
            int[] outer = header(sec1, 0);
            int at = outer[0];
            int[] version = header(sec1, at);
            int[] key = header(sec1, version[0] + version[1]);
            int end = key[0] + key[1];
            byte[] head = new byte[end - outer[0]];
            System.arraycopy(sec1, outer[0], head, 0, head.length);
            return seq(head, tlv(0xA0, oid("1.2.840.10045.3.1.7")));
        }

        /** {content offset, content length} of the TLV at {@code at}. */
        private static int[] header(byte[] der, int at) {
            int len = der[at + 1] & 0xFF;
            int start = at + 2;
            if (len >= 0x80) {
                int bytes = len & 0x7F;
                len = 0;
                for (int i = 0; i < bytes; i++) {
                    len = (len << 8) | (der[start + i] & 0xFF);
                }
                start += bytes;
            }
            return new int[] {start, len};
        }
    }
}
