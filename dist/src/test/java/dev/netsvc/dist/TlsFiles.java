package dev.netsvc.dist;

import dev.netsvc.testkit.TestCertificates;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A CA and a server certificate in a folder of a test's, as an operator keeps them: {@code ca.pem},
 * {@code cert.pem} (the chain), {@code key.pem} (owner-only), for {@code localhost} and, unless asked
 * otherwise, 127.0.0.1.
 */
record TlsFiles(TestCertificates.Authority ca, Path dir, Path caFile, Path cert, Path key) {

    static TlsFiles in(Path dir) {
        return in(dir, true);
    }

    static TlsFiles in(Path dir, boolean withIp) {
        TestCertificates.Authority ca = TestCertificates.authority("netsvc IT CA");
        TestCertificates.Issued server = ca.issue("localhost", withIp ? List.of("localhost", "127.0.0.1") : List.of("localhost"),
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(90)), "EC");
        return new TlsFiles(ca, dir, ca.certificate().writeCertificate(dir.resolve("ca.pem")),
                server.writeChain(dir.resolve("cert.pem")), server.writeKey(dir.resolve("key.pem")));
    }

    /** {@code --set ID.tls.cert=... --set ID.tls.key=...} for each of {@code ids}. */
    List<String> settings(String... ids) {
        List<String> args = new ArrayList<>();
        for (String id : ids) {
            args.addAll(List.of("--set", id + ".tls.cert=" + cert, "--set", id + ".tls.key=" + key));
        }
        return args;
    }

    /** A client certificate of this CA for {@code name}: its chain and key files, named after it. */
    Path[] client(String name) {
        TestCertificates.Issued client = ca.issue(name, List.of(name));
        return new Path[] {client.writeChain(dir.resolve(name + ".pem")), client.writeKey(dir.resolve(name + ".key"))};
    }
}
