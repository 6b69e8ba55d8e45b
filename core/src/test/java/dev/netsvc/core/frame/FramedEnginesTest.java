package dev.netsvc.core.frame;

import dev.netsvc.core.Counters;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.Settings;
import dev.netsvc.core.async.AsyncTcpServer;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.nio.NioOptions;
import dev.netsvc.core.nio.NioTcpServer;
import dev.netsvc.testkit.Await;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Framed requests on each of core's three TCP engines over real sockets: requests that arrive split into
 * single bytes, merged into one write, longer than the limit, and cut short, each answered (or refused)
 * the same way on every engine.
 */
class FramedEnginesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Replier UPPER = Replier.text(s -> s.toUpperCase(Locale.ROOT));

    enum Engine {
        BLOCKING {
            @Override
            RunningService start(ServiceContext c, Framing framing) throws IOException {
                return BlockingTcpServer.start(c, new BlockingTcpServer.Limits(100, Duration.ofMinutes(1)),
                        Replies.blocking(c, framing, UPPER));
            }
        },
        SELECTOR {
            @Override
            RunningService start(ServiceContext c, Framing framing) throws IOException {
                return NioTcpServer.start(c, NioOptions.defaults().withLoops(1), Replies.selector(c, framing, UPPER));
            }
        },
        ASYNC {
            @Override
            RunningService start(ServiceContext c, Framing framing) throws IOException {
                return AsyncTcpServer.start(c, new AsyncTcpServer.Limits(1, 100, Duration.ofMinutes(1), 64 * 1024, 1 << 20),
                        Replies.async(c, framing, UPPER));
            }
        };

        abstract RunningService start(ServiceContext c, Framing framing) throws IOException;
    }

    static Stream<Arguments> enginesAndFramings() {
        List<Arguments> all = new ArrayList<>();
        for (Engine engine : Engine.values()) {
            for (Framing framing : List.of(Framing.lines(16), Framing.delimited(new byte[] {'|', '|'}, 16),
                    Framing.lengthPrefixed(2, 16))) {
                all.add(Arguments.of(engine, framing));
            }
        }
        return all.stream();
    }

    private final ServiceCounters counters = new ServiceCounters();
    private RunningService server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    private InetSocketAddress start(Engine engine, Framing framing) throws IOException {
        ServiceContext context = ServiceContext.builder("framed")
                .bind(InetAddress.getLoopbackAddress(), 0)
                .settings(Settings.defaults("framed", List.of()))
                .counters(counters)
                .build();
        server = engine.start(context, framing);
        return server.endpoints().get(0).address();
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket(address.getAddress(), address.getPort());
        s.setSoTimeout((int) WAIT.toMillis());
        s.setTcpNoDelay(true);
        return s;
    }

    private static byte[] wire(Framing framing, String... frames) {
        ByteBuffer all = ByteBuffer.allocate(1024);
        for (String f : frames) {
            all.put(framing.encode(f));
        }
        byte[] bytes = new byte[all.flip().remaining()];
        all.get(bytes);
        return bytes;
    }

    /** Reads {@code n} framed replies as text. */
    private static List<String> replies(Socket socket, Framing framing, int n) throws IOException {
        FrameReader reader = FrameReader.of(Channels.newChannel(socket.getInputStream()), framing);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ByteBuffer frame = reader.next();
            out.add(frame == null ? "<end>" : StandardCharsets.UTF_8.decode(frame).toString());
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("enginesAndFramings")
    void mergedRequestsAreAnsweredInOrder(Engine engine, Framing framing) throws IOException {
        InetSocketAddress address = start(engine, framing);
        try (Socket s = connect(address)) {
            s.getOutputStream().write(wire(framing, "one", "", "exactly sixteen!", "three"));
            assertEquals(List.of("ONE", "", "EXACTLY SIXTEEN!", "THREE"), replies(s, framing, 4));
        }
        Await.until(WAIT, "four replies counted", () -> counters.get(Counters.TCP_REPLIED) == 4);
        Await.until(WAIT, "four request durations", () -> counters.histograms().get("tcp.request.seconds").count() == 4);
    }

    @ParameterizedTest
    @MethodSource("enginesAndFramings")
    void requestsSplitIntoSingleBytesAreAnsweredWhole(Engine engine, Framing framing) throws IOException {
        InetSocketAddress address = start(engine, framing);
        try (Socket s = connect(address)) {
            OutputStream out = s.getOutputStream();
            for (byte b : wire(framing, "split", "in", "bytes")) {
                out.write(b);
                out.flush();
            }
            assertEquals(List.of("SPLIT", "IN", "BYTES"), replies(s, framing, 3));
        }
    }

    @ParameterizedTest
    @MethodSource("enginesAndFramings")
    void aRequestOverTheLimitClosesOnlyItsConnection(Engine engine, Framing framing) throws IOException {
        InetSocketAddress address = start(engine, framing);
        try (Socket other = connect(address); Socket s = connect(address)) {
            byte[] tooLong = framing.isLengthPrefixed() ? new byte[] {0, 17} : "seventeen bytes!!".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(tooLong);
            if (!framing.isLengthPrefixed()) {
                s.getOutputStream().write(wire(framing, "x")); // the delimiter comes too late
            }
            assertEquals(List.of("<end>"), endOrReset(s, framing), "closed without an answer");
            Await.until(WAIT, "counted as input-limit", () -> counters.get(Counters.TCP_INPUT_LIMIT) == 1);
            assertEquals(0, counters.get(Counters.TCP_FAILED), "the client's input is no failure of ours");
            other.getOutputStream().write(wire(framing, "still"));
            assertEquals(List.of("STILL"), replies(other, framing, 1), "another connection is served");
        }
    }

    @ParameterizedTest
    @MethodSource("enginesAndFramings")
    void inputEndingInsideAFrameIsTheLastLineOrMalformed(Engine engine, Framing framing) throws IOException {
        InetSocketAddress address = start(engine, framing);
        try (Socket s = connect(address)) {
            byte[] partial = framing.isLengthPrefixed() ? new byte[] {0, 5, 'a', 'b'} : "tail".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(partial);
            s.shutdownOutput();
            if (framing.isLengthPrefixed()) {
                assertEquals(List.of("<end>"), endOrReset(s, framing));
                Await.until(WAIT, "counted as malformed", () -> counters.get(Counters.TCP_MALFORMED) == 1);
            } else {
                assertEquals(List.of("TAIL", "<end>"), replies(s, framing, 2), "the unfinished last frame is one");
            }
        }
    }

    /** The server closed: end of stream, or a reset when it closed with our bytes unread. */
    private static List<String> endOrReset(Socket s, Framing framing) throws IOException {
        try {
            return replies(s, framing, 1);
        } catch (java.net.SocketException e) { // "Connection reset"
            return List.of("<end>");
        }
    }
}
