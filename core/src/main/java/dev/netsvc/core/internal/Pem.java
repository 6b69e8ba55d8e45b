package dev.netsvc.core.internal;

import dev.netsvc.core.FileErrors;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PEM files as servers take them (nginx, HAProxy): a certificate chain, a bundle of CA certificates, and
 * an unencrypted private key in any of the three encodings OpenSSL writes (PKCS#8 {@code PRIVATE KEY},
 * PKCS#1 {@code RSA PRIVATE KEY}, SEC1 {@code EC PRIVATE KEY}). The JDK reads only PKCS#8, so the other
 * two are wrapped into PKCS#8 here (a few bytes of DER around them). A failure is a {@link Problem} whose
 * message says what is wrong with the file in plain words, never a byte of its content.
 */
public final class Pem {

    /** Larger than any certificate chain or key: a file this big is not one. */
    static final long MAX_FILE = 1 << 20;

    private static final byte[] RSA_ENCRYPTION = oid(1, 2, 840, 113549, 1, 1, 1);
    private static final byte[] EC_PUBLIC_KEY = oid(1, 2, 840, 10045, 2, 1);

    /** What is wrong with a PEM file, in words that can follow its name. */
    public static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;

        Problem(String message) {
            super(message);
        }
    }

    /** One {@code -----BEGIN type-----} block: its type and its decoded bytes. */
    record Block(String type, byte[] der, boolean encryptedHeader) {
    }

    private Pem() {
    }

    /** Every certificate in {@code file}, in order (a chain: the server's own first). */
    public static List<X509Certificate> certificates(Path file) throws Problem {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("this Java has no X.509 support", e);
        }
        for (Block block : blocks(read(file))) {
            if (!block.type().equals("CERTIFICATE") && !block.type().equals("TRUSTED CERTIFICATE")) {
                continue;
            }
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            } catch (CertificateException | ClassCastException e) {
                throw new Problem("holds a CERTIFICATE block that is not an X.509 certificate");
            }
        }
        if (certificates.isEmpty()) {
            throw new Problem("holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    /** The one private key in {@code file}. */
    public static PrivateKey privateKey(Path file) throws Problem {
        return privateKey(blocks(read(file)));
    }

    static PrivateKey privateKey(List<Block> blocks) throws Problem {
        for (Block block : blocks) {
            switch (block.type()) {
                case "ENCRYPTED PRIVATE KEY" -> throw encrypted();
                case "PRIVATE KEY" -> {
                    return pkcs8(block.der());
                }
                case "RSA PRIVATE KEY" -> {
                    checkNotEncrypted(block);
                    return pkcs8(pkcs8(RSA_ENCRYPTION, Der.NULL, block.der()));
                }
                case "EC PRIVATE KEY" -> {
                    checkNotEncrypted(block);
                    byte[] curve = Sec1.curve(block.der());
                    if (curve == null) {
                        throw new Problem("holds an EC PRIVATE KEY that names no curve; convert it with"
                                + " 'openssl pkcs8 -topk8 -nocrypt'");
                    }
                    return pkcs8(pkcs8(EC_PUBLIC_KEY, curve, block.der()));
                }
                default -> {
                    // certificates, EC PARAMETERS and the like may share the file
                }
            }
        }
        throw new Problem("holds no PEM private key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static void checkNotEncrypted(Block block) throws Problem {
        if (block.encryptedHeader()) {
            throw encrypted();
        }
    }

    private static Problem encrypted() {
        return new Problem("holds an encrypted private key; netsvc needs it unencrypted (protect the file instead:"
                + " owner-only permissions), e.g. 'openssl pkey -in KEY -out KEY.plain'");
    }

    private static PrivateKey pkcs8(byte[] der) throws Problem {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this algorithm: try the next
            }
        }
        throw new Problem("holds a private key that is not an RSA, EC or EdDSA key this Java can read");
    }

    private static byte[] pkcs8(byte[] algorithm, byte[] parameters, byte[] key) {
        return Der.sequence(Der.integer(0), Der.sequence(algorithm, parameters), Der.octetString(key));
    }

    private static byte[] read(Path file) throws Problem {
        try {
            if (Files.size(file) > MAX_FILE) {
                throw new Problem("is larger than " + (MAX_FILE >> 10) + " KiB: not a PEM certificate or key");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Problem("cannot be read: " + FileErrors.reason(e));
        }
    }

    /** The PEM blocks of {@code text}; a file with none is not PEM. */
    static List<Block> blocks(byte[] content) throws Problem {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        List<Block> blocks = new ArrayList<>();
        int at = 0;
        while (true) {
            int begin = text.indexOf("-----BEGIN ", at);
            if (begin < 0) {
                break;
            }
            int typeEnd = text.indexOf("-----", begin + 11);
            if (typeEnd < 0) {
                throw new Problem("is not PEM: a BEGIN line does not end with -----");
            }
            String type = text.substring(begin + 11, typeEnd);
            String endLine = "-----END " + type + "-----";
            int end = text.indexOf(endLine, typeEnd);
            if (end < 0) {
                throw new Problem("is not PEM: its " + printable(type) + " block has no END line");
            }
            String body = text.substring(typeEnd + 5, end);
            boolean encrypted = body.contains("Proc-Type:") && body.contains("ENCRYPTED");
            if (body.contains(":")) { // RFC 1421 headers (Proc-Type, DEK-Info) end at an empty line
                int blank = body.indexOf("\n\n");
                int blankCr = body.indexOf("\r\n\r\n");
                int cut = blank >= 0 ? blank : blankCr;
                body = cut < 0 ? "" : body.substring(cut);
            }
            try {
                blocks.add(new Block(type, Base64.getMimeDecoder().decode(body.strip()), encrypted));
            } catch (IllegalArgumentException e) {
                throw new Problem("is not PEM: its " + printable(type) + " block is not base64");
            }
            at = end + endLine.length();
        }
        if (blocks.isEmpty()) {
            throw new Problem("is not PEM (no -----BEGIN line)");
        }
        return blocks;
    }

    private static String printable(String type) {
        return type.length() <= 40 && type.chars().allMatch(c -> c >= ' ' && c < 0x7F) ? type : "?";
    }

    private static byte[] oid(int... arcs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(arcs[0] * 40 + arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            int arc = arcs[i];
            int shift = 28;
            while (shift > 0 && (arc >>> shift) == 0) {
                shift -= 7;
            }
            for (; shift > 0; shift -= 7) {
                out.write(0x80 | ((arc >>> shift) & 0x7F));
            }
            out.write(arc & 0x7F);
        }
        return Der.tlv(0x06, out.toByteArray());
    }

    /** The few DER encodings PKCS#8 needs. */
    static final class Der {
        static final byte[] NULL = {0x05, 0x00};

        private Der() {
        }

        static byte[] sequence(byte[]... parts) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            for (byte[] part : parts) {
                content.writeBytes(part);
            }
            return tlv(0x30, content.toByteArray());
        }

        static byte[] integer(int small) {
            return tlv(0x02, new byte[] {(byte) small});
        }

        static byte[] octetString(byte[] bytes) {
            return tlv(0x04, bytes);
        }

        static byte[] tlv(int tag, byte[] content) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
            out.write(tag);
            int n = content.length;
            if (n < 0x80) {
                out.write(n);
            } else if (n < 0x100) {
                out.write(0x81);
                out.write(n);
            } else if (n < 0x10000) {
                out.write(0x82);
                out.write(n >> 8);
                out.write(n);
            } else {
                out.write(0x83);
                out.write(n >> 16);
                out.write(n >> 8);
                out.write(n);
            }
            out.writeBytes(content);
            return out.toByteArray();
        }
    }

    /**
     * SEC1's {@code ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] parameters, [1]
     * publicKey }}: only the named curve of its parameters is looked for.
     */
    static final class Sec1 {
        private Sec1() {
        }

        /** The curve's OID (tag and all) from {@code [0]}, or null when the key names none. */
        static byte[] curve(byte[] der) throws Problem {
            int[] seq = header(der, 0, 0x30);
            int at = seq[0];
            int end = seq[0] + seq[1];
            while (at < end) {
                int tag = der[at] & 0xFF;
                int[] h = header(der, at, tag);
                if (tag == 0xA0) {
                    int[] oid = header(der, h[0], 0x06);
                    byte[] out = new byte[oid[0] + oid[1] - h[0]];
                    System.arraycopy(der, h[0], out, 0, out.length);
                    return out;
                }
                at = h[0] + h[1];
            }
            return null;
        }

        /** {content offset, content length} of the TLV at {@code at}, whose tag must be {@code tag}. */
        private static int[] header(byte[] der, int at, int tag) throws Problem {
            if (at + 2 > der.length || (der[at] & 0xFF) != tag) {
                throw new Problem("holds an EC PRIVATE KEY that is not SEC1 DER");
            }
            int len = der[at + 1] & 0xFF;
            int start = at + 2;
            if (len >= 0x80) {
                int bytes = len & 0x7F;
                if (bytes == 0 || bytes > 3 || start + bytes > der.length) {
                    throw new Problem("holds an EC PRIVATE KEY that is not SEC1 DER");
                }
                len = 0;
                for (int i = 0; i < bytes; i++) {
                    len = (len << 8) | (der[start + i] & 0xFF);
                }
                start += bytes;
            }
            if (start + len > der.length) {
                throw new Problem("holds an EC PRIVATE KEY that is not SEC1 DER");
            }
            return new int[] {start, len};
        }
    }
}
