package dev.netsvc.bench.tls;

import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.internal.ServiceKeys;
import dev.netsvc.core.Settings;
import dev.netsvc.core.Transport;
import dev.netsvc.core.internal.TlsContext;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;

import com.sun.management.ThreadMXBean;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManagerFactory;

/**
 * What one HTTPS keep-alive request costs a server's TLS engine, in memory, no sockets: the server
 * unwraps one ~100-byte request record and wraps one ~2.6 KB response (index.html and its headers), on
 * TLS 1.3 with an ECDSA P-256 certificate, for the JDK's {@link SSLEngine} (made by netsvc's own
 * {@link TlsContext}) and for Netty's BoringSSL engine ({@code SslProvider.OPENSSL}, netty-tcnative), each
 * with heap buffers, direct buffers, and the mix core's selector engine uses today ({@link Buffers}). The
 * requests go round the connections (64 by default, as https-small's wrk), so each engine's state is as
 * cold as in a server. The client's side (a JDK engine) encrypts each round's requests before the clock
 * starts and never reads the responses, so only the server's work is timed.
 *
 * <p>The machine is shared: run it pinned ({@code taskset -c 1}); the variants take turns round after
 * round (who goes first changes), and what to quote is the median of each variant's rounds and the
 * median of the per-round ratios (both sides of a ratio ran within the same second or two).
 *
 * <pre>
 *   mvn -o -q -pl bench -am package -DskipTests
 *   taskset -c 1 java --enable-native-access=ALL-UNNAMED -cp 'bench/target/netsvc-bench-0.1.0.jar:bench/target/lib/*' \
 *       dev.netsvc.bench.tls.EngineCost [rounds 15] [requests a round 20000] [warm-up rounds 10] [connections 64]
 * </pre>
 */
public final class EngineCost {

    private static final int REQUEST = 100;
    private static final int RESPONSE = 2600;

    /** The heap this thread allocated, including the client's encryption of a round's requests (not timed). */
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private EngineCost() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 10; // C2 settles after about 8 rounds of 20,000
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : 64; // https-small's wrk connections
        if (!OpenSsl.isAvailable()) {
            throw new IllegalStateException("BoringSSL does not load here: " + OpenSsl.unavailabilityCause());
        }
        Path dir = Files.createTempDirectory("engine-cost");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        selfSigned(cert, key);
        TlsContext jdk = TlsContext.load("bench", settings(cert, key), p -> p, Clock.systemUTC(), List.of("http/1.1"),
                warning -> { });
        SslContext boring = SslContextBuilder.forServer(cert.toFile(), key.toFile())
                .sslProvider(SslProvider.OPENSSL).protocols("TLSv1.3")
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "http/1.1"))
                .build();
        SSLContext client = clientContext(cert);
        Map<String, Supplier<SSLEngine>> servers = new LinkedHashMap<>();
        servers.put("jdk", jdk::newEngine);
        servers.put("openssl", () -> boring.newEngine(ByteBufAllocator.DEFAULT));
        Map<String, List<Double>> results = new LinkedHashMap<>();
        Map<String, Double> allocated = new LinkedHashMap<>(); // heap bytes per request, the last round's
        List<Variant> variants = new ArrayList<>();
        for (var server : servers.entrySet()) {
            for (Buffers buffers : Buffers.values()) {
                Variant variant = new Variant(server.getKey() + "-" + buffers.name().toLowerCase(Locale.ROOT));
                for (int c = 0; c < connections; c++) {
                    variant.connections.add(new Connection(variant.name, server.getValue().get(), client, buffers,
                            requests / connections + 1));
                }
                variants.add(variant);
                results.put(variant.name, new ArrayList<>());
            }
        }
        System.out.printf("%s, Java %s, %d rounds x %d requests over %d connections, TLS 1.3, ECDSA P-256%n",
                OpenSsl.versionString(), Runtime.version(), rounds, requests, connections);
        for (Variant variant : variants) {
            System.out.printf("  %s: %s%n", variant.name, variant.connections.get(0).server.getSession().getCipherSuite());
        }
        for (int round = 0; round < warmups + rounds; round++) {
            StringBuilder line = new StringBuilder(round < warmups ? "warm-up " : "round   ").append(round).append(':');
            for (int i = 0; i < variants.size(); i++) {
                Variant variant = variants.get((i + round) % variants.size()); // who goes first changes from round to round
                long before = THREADS.getCurrentThreadAllocatedBytes();
                double ns = variant.round(requests);
                allocated.put(variant.name, (double) (THREADS.getCurrentThreadAllocatedBytes() - before) / requests);
                if (round >= warmups) {
                    results.get(variant.name).add(ns);
                }
                line.append(String.format("  %s %.0f", variant.name, ns));
            }
            System.out.println(line);
        }
        System.out.println("median ns per request (unwrap of the request + wrap of the response):");
        for (var result : results.entrySet()) {
            double[] sorted = result.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted[sorted.length / 2];
            System.out.printf("  %-15s %6.0f  (min %.0f, max %.0f); heap per request, the client's included: %.0f B%n",
                    result.getKey(), median, sorted[0], sorted[sorted.length - 1], allocated.get(result.getKey()));
        }
        // the same ratios round by round (both sides of a ratio ran within the same second): their median
        System.out.printf("median of per-round ratios: jdk-heap / openssl-direct %.2fx, jdk-core / openssl-direct %.2fx,"
                        + " jdk-heap / openssl-core %.2fx%n",
                medianRatio(results.get("jdk-heap"), results.get("openssl-direct")),
                medianRatio(results.get("jdk-core"), results.get("openssl-direct")),
                medianRatio(results.get("jdk-heap"), results.get("openssl-core")));
        for (Variant variant : variants) {
            variant.connections.forEach(c -> ReferenceCountUtil.release(c.server));
        }
        ReferenceCountUtil.release(boring);
        Files.delete(cert);
        Files.delete(key);
        Files.delete(dir);
    }

    /** An ECDSA P-256 certificate for localhost and its key (PKCS#8), as bench/pairs.sh makes them. */
    private static void selfSigned(Path cert, Path key) throws IOException, InterruptedException {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        String said = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
            openssl.destroyForcibly();
            throw new IllegalStateException("openssl req failed: " + said.strip());
        }
    }

    /** Which buffers the server's engine is given. */
    private enum Buffers {
        /** All on the heap: the JDK engine's best. */
        HEAP,
        /** All direct: what the OpenSSL engine wants (it copies heap buffers to direct ones and back). */
        DIRECT,
        /** As core's selector engine gives them today: ciphertext read into a direct buffer, the rest heap. */
        CORE
    }

    /** One engine and one kind of buffer, over several connections served in turn (as a server's loop does). */
    private static final class Variant {
        final String name;
        final List<Connection> connections = new ArrayList<>();

        Variant(String name) {
            this.name = name;
        }

        /** ns per request for {@code requests} requests, the connections taking turns. */
        double round(int requests) throws IOException {
            int n = connections.size();
            for (Connection c : connections) {
                c.prepare(requests / n + (connections.indexOf(c) < requests % n ? 1 : 0));
            }
            long sink = 0;
            long start = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                sink += connections.get(i % n).serve();
            }
            long elapsed = System.nanoTime() - start;
            if (sink == 0) {
                throw new IllegalStateException("nothing encrypted");
            }
            return (double) elapsed / requests;
        }
    }

    /** A server engine and the client it handshook with, and the buffers one request uses. */
    private static final class Connection {
        final String name;
        final SSLEngine server;
        final SSLEngine client;
        final ByteBuffer requestRecords; // a round's requests, one record each (read mode once filled)
        final ByteBuffer plain; // what the server decrypts into
        final ByteBuffer response; // the plaintext response (read mode, rewound per request)
        final ByteBuffer records; // what the server encrypts into
        final int[] recordEnds;
        final ByteBuffer request;
        int next;

        Connection(String name, SSLEngine server, SSLContext clientContext, Buffers buffers, int most) throws IOException {
            this.name = name;
            this.server = server;
            this.client = clientContext.createSSLEngine("localhost", 443);
            client.setUseClientMode(true);
            client.setEnabledProtocols(new String[] {"TLSv1.3"});
            var params = client.getSSLParameters();
            params.setApplicationProtocols(new String[] {"http/1.1"});
            client.setSSLParameters(params);
            handshake(client, server);
            int packet = server.getSession().getPacketBufferSize();
            int app = server.getSession().getApplicationBufferSize();
            boolean direct = buffers == Buffers.DIRECT;
            this.plain = allocate(direct, app);
            this.records = allocate(direct, packet * 2);
            byte[] body = new byte[RESPONSE];
            Arrays.fill(body, (byte) 'x');
            this.response = allocate(direct, RESPONSE).put(body).flip();
            // room for a round's records, and a whole packet more: the JDK's wrap wants that much free
            this.requestRecords = allocate(buffers != Buffers.HEAP, most * (REQUEST + 64) + packet);
            this.recordEnds = new int[most];
            byte[] text = ("GET /index.html HTTP/1.1\r\nHost: localhost\r\nUser-Agent: wrk\r\n"
                    + "Accept: */*\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            this.request = ByteBuffer.wrap(Arrays.copyOf(text, REQUEST));
            prepare(1); // one exchange so that nothing of the handshake is pending any more
            serve();
        }

        /** The client encrypts the next {@code count} requests (not timed). */
        void prepare(int count) throws IOException {
            requestRecords.clear();
            for (int i = 0; i < count; i++) {
                request.rewind();
                check(client.wrap(request, requestRecords), "client wrap");
                recordEnds[i] = requestRecords.position();
            }
            requestRecords.flip();
            next = 0;
        }

        /** The server decrypts the next request and encrypts a response: the bytes of its records. */
        int serve() throws IOException {
            requestRecords.limit(recordEnds[next++]);
            plain.clear();
            SSLEngineResult in = server.unwrap(requestRecords, plain);
            if (in.bytesProduced() != REQUEST) {
                throw new IllegalStateException(name + ": unwrap gave " + in);
            }
            response.rewind();
            records.clear();
            SSLEngineResult out = server.wrap(response, records);
            if (out.bytesConsumed() != RESPONSE) {
                throw new IllegalStateException(name + ": wrap gave " + out);
            }
            return records.position();
        }
    }

    private static double medianRatio(List<Double> a, List<Double> b) {
        double[] ratios = new double[a.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = a.get(i) / b.get(i);
        }
        Arrays.sort(ratios);
        return ratios[ratios.length / 2];
    }

    private static void check(SSLEngineResult r, String what) {
        if (r.getStatus() != SSLEngineResult.Status.OK) {
            throw new IllegalStateException(what + ": " + r);
        }
    }

    private static ByteBuffer allocate(boolean direct, int size) {
        return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }

    /** Runs the handshake between the two engines in memory, then lets the client read the server's tickets. */
    private static void handshake(SSLEngine client, SSLEngine server) throws IOException {
        ByteBuffer toServer = ByteBuffer.allocate(64 * 1024);
        ByteBuffer toClient = ByteBuffer.allocate(64 * 1024);
        ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int steps = 0; steps < 1000 && System.nanoTime() < deadline; steps++) {
            step(client, empty, toServer, toClient, sink);
            step(server, empty, toClient, toServer, sink);
            if (client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                    && server.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                    && toServer.position() == 0 && toClient.position() == 0) {
                if (!"TLSv1.3".equals(server.getSession().getProtocol())) {
                    throw new IllegalStateException("not TLS 1.3: " + server.getSession().getProtocol());
                }
                // the server's NewSessionTicket may still be unsent: a wrap of nothing sends it, the client reads it
                server.wrap(empty, toClient);
                toClient.flip();
                while (toClient.hasRemaining()) {
                    sink.clear();
                    if (client.unwrap(toClient, sink).bytesConsumed() == 0) {
                        break;
                    }
                }
                toClient.clear();
                return;
            }
        }
        throw new IllegalStateException("the handshake did not complete: " + client.getHandshakeStatus() + " / "
                + server.getHandshakeStatus());
    }

    /** One engine's turn: unwrap what came, run tasks, wrap what it must send into {@code out}. */
    private static void step(SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink)
            throws IOException {
        in.flip();
        for (int i = 0; i < 50; i++) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                engine.wrap(empty, out);
            } else if (in.hasRemaining()) { // a handshake message, or a ticket after it
                sink.clear();
                SSLEngineResult r = engine.unwrap(in, sink);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    break;
                }
            } else {
                break;
            }
        }
        if (engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP && !in.hasRemaining()) {
            // Netty's OpenSSL engine reads the client's Finished but says so only at its next wrap or unwrap
            engine.wrap(empty, out);
        }
        in.compact();
    }

    private static Settings settings(Path cert, Path key) {
        return HostAccess.parseSettings("bench", ServiceKeys.withOwn("bench", Set.of(Transport.TCP), List.of()),
                Map.of("tls.cert", cert.toString(), "tls.key", key.toString(), "tls.protocols", "TLSv1.3"));
    }

    private static SSLContext clientContext(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }
}
