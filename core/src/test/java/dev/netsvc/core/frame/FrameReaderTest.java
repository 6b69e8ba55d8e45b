package dev.netsvc.core.frame;

import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Settings;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ManualClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The blocking engine's frame reader with a pause: the socket tutorial's client sends a word without a
 * newline and waits; it is answered once the service's clock says the client paused.
 */
class FrameReaderTest {

    private static final Framing WORDS = Framing.lines(64).withPause(Duration.ofMillis(50));

    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private BlockingTcpServer server;

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(2));
    }

    private Socket start() throws IOException {
        ServiceContext context = ServiceContext.builder("pause")
                .bind(InetAddress.getLoopbackAddress(), 0)
                .settings(Settings.defaults("pause", List.of()))
                .clock(clock)
                .build();
        server = BlockingTcpServer.start(context, new BlockingTcpServer.Limits(10, Duration.ZERO), connection -> {
            FrameReader words = FrameReader.of(connection, WORDS, context.clock());
            ByteBuffer word;
            while ((word = words.next()) != null) {
                connection.write(WORDS.encode("Hello, " + StandardCharsets.UTF_8.decode(word) + "!"));
            }
        });
        Socket s = new Socket(server.endpoint().address().getAddress(), server.endpoint().port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static boolean answered(Socket s) {
        try {
            return s.getInputStream().available() > 0;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.append((char) b);
        }
        return line.toString().strip();
    }

    @Test
    void aWordWithoutNewlineIsAnsweredOnceTheServiceClockSaysTheClientPaused() throws IOException {
        try (Socket s = start()) {
            s.getOutputStream().write("michael".getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(),
                    "no answer while the service's clock stands still");
            s.setSoTimeout(10_000);
            Await.until(Duration.ofSeconds(10), "an answer once the clock passed the pause", () -> {
                clock.advance(Duration.ofMillis(50));
                return answered(s);
            });
            assertEquals("Hello, michael!", readLine(s.getInputStream()));
        }
    }

    @Test
    void aLineIsAnsweredAtOnceAndTheWordAfterItWaitsForThePause() throws IOException {
        try (Socket s = start()) {
            s.getOutputStream().write("tracy\nsar".getBytes(StandardCharsets.US_ASCII));
            assertEquals("Hello, tracy!", readLine(s.getInputStream()), "no pause needed");
            s.getOutputStream().write("ah".getBytes(StandardCharsets.US_ASCII)); // part of the same word
            Await.until(Duration.ofSeconds(10), "the word after the pause", () -> {
                clock.advance(Duration.ofMillis(25));
                return answered(s);
            });
            assertEquals("Hello, sarah!", readLine(s.getInputStream()));
            s.shutdownOutput();
            assertEquals(-1, s.getInputStream().read(), "closed once the client half-closed");
        }
    }
}
