package dev.netsvc.core.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.netsvc.core.internal.ServiceKeys;
import dev.netsvc.core.Settings;
import dev.netsvc.core.Transport;
import dev.netsvc.testkit.TestCertificates;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of what a server's {@link TlsSession} does with a client's first bytes (Jazzer):
 * either raw bytes, or a real ClientHello (the JDK client's, TLS 1.3 and 1.2) with bytes overwritten, cut,
 * or garbage after it, fed in pieces of fuzzed sizes. Seeds under
 * {@code src/test/resources/dev/netsvc/core/internal/ClientHelloFuzzTestInputs/receive/}. Properties:
 * <ul>
 *   <li>only an {@link SSLException} escapes (the engine closes and counts it); no runtime exception;</li>
 *   <li>the session never opens (nothing here can finish a handshake) and never hands plaintext out;</li>
 *   <li>what it sends back (a ServerHello flight, an alert) is bounded: no amplification by a client.</li>
 * </ul>
 */
class ClientHelloFuzzTest {

    /** A server's first flight with its chain of two certificates is a few KiB; far below this. */
    private static final int MAX_ANSWER = 64 << 10;
    private static final TlsContext SERVER = server();
    private static final byte[][] HELLOS = {clientHello("TLSv1.3"), clientHello("TLSv1.2")};

    @FuzzTest(maxDuration = "10m")
    void receive(FuzzedDataProvider data) {
        byte[] input = data.consumeBoolean() ? mutatedHello(data) : data.consumeBytes(data.consumeInt(0, 20_000));
        TlsSession session = SERVER.newSession();
        Answer answer = new Answer(session.packetSize());
        ByteBuffer plaintext = ByteBuffer.allocate(32 << 10);
        try {
            int at = 0;
            for (int round = 0; at < input.length && round < 1000; round++) {
                int n = Math.min(input.length - at, data.remainingBytes() > 0 ? data.consumeInt(1, 8192) : input.length - at);
                int got = session.receive(ByteBuffer.wrap(input, at, n), plaintext, answer);
                at += n;
                assertTrue(got <= 0, "plaintext before a handshake");
            }
        } catch (SSLException expected) {
            // refused: the engine closes the connection and counts why
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertFalse(session.isOpen(), "a handshake completed from a client's bytes alone");
        assertFalse(session.hasPlaintext(), "plaintext before a handshake");
        assertTrue(answer.total <= MAX_ANSWER, "answered " + answer.total + " bytes");
    }

    private static byte[] mutatedHello(FuzzedDataProvider data) {
        byte[] hello = HELLOS[data.consumeInt(0, 1)].clone();
        int edits = data.consumeInt(0, 8);
        for (int i = 0; i < edits; i++) {
            hello[data.consumeInt(0, hello.length - 1)] = data.consumeByte();
        }
        int cut = data.consumeInt(0, hello.length);
        byte[] tail = data.consumeBytes(data.consumeInt(0, 4096));
        byte[] input = new byte[cut + tail.length];
        System.arraycopy(hello, 0, input, 0, cut);
        System.arraycopy(tail, 0, input, cut, tail.length);
        return input;
    }

    /** Counts what the session sends; the buffer is lent again each time, as an engine's scratch is. */
    private static final class Answer implements TlsSession.Output {
        private final ByteBuffer buffer;
        long total;

        Answer(int size) {
            buffer = ByteBuffer.allocate(size);
        }

        @Override
        public ByteBuffer buffer() {
            return buffer.clear();
        }

        @Override
        public void send(ByteBuffer records) {
            total += records.remaining();
            records.position(records.limit());
        }
    }

    private static TlsContext server() {
        try {
            Path dir = Files.createTempDirectory("client-hello-fuzz");
            TestCertificates.Issued issued = TestCertificates.authority("fuzz CA").issue("localhost", List.of("localhost"));
            Map<String, String> values = Map.of("tls.cert", issued.writeChain(dir.resolve("cert.pem")).toString(),
                    "tls.key", issued.writeKey(dir.resolve("key.pem")).toString());
            Settings settings = HostAccess.parseSettings("fuzz", ServiceKeys.withOwn("fuzz", Set.of(Transport.TCP), List.of()), values);
            return TlsContext.load("fuzz", settings, p -> p, Clock.systemUTC(), List.of("http/1.1"), warning -> { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JDK client's ClientHello for {@code protocol}, as the first record it sends. */
    static byte[] clientHello(String protocol) {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, null, null);
            SSLEngine client = ssl.createSSLEngine("localhost", 443);
            client.setUseClientMode(true);
            client.setEnabledProtocols(new String[] {protocol});
            ByteBuffer out = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
            client.wrap(ByteBuffer.allocate(0), out);
            byte[] hello = new byte[out.flip().remaining()];
            out.get(hello);
            return hello;
        } catch (java.security.GeneralSecurityException | SSLException e) {
            throw new IllegalStateException(e);
        }
    }
}
