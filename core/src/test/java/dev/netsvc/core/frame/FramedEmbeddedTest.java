package dev.netsvc.core.frame;

import dev.netsvc.core.Counters;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.Settings;
import dev.netsvc.core.nio.CloseReason;
import dev.netsvc.testkit.EmbeddedConnection;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The same framed handlers in memory, with the test kit's EmbeddedConnection: no socket, no thread. */
class FramedEmbeddedTest {

    private final ServiceCounters counters = new ServiceCounters();
    private final ServiceContext context = ServiceContext.builder("framed")
            .settings(Settings.defaults("framed", List.of())).counters(counters).build();

    private EmbeddedConnection connection(Framing framing) {
        return EmbeddedConnection.open(Replies.selector(context, framing,
                Replier.text(s -> s.toUpperCase(Locale.ROOT))), 64 * 1024);
    }

    @Test
    void splitAndMergedLinesAreAnsweredWhole() {
        EmbeddedConnection c = connection(Framing.lines(16));
        c.feed("on").feed("e\r").feed("\ntwo\nthr");
        assertEquals("ONE\r\nTWO\r\n", c.readOutput());
        c.feed("ee\n");
        assertEquals("THREE\r\n", c.readOutput());
        c.feed("tail").endInput();
        assertEquals("TAIL\r\n", c.readOutput(), "the unfinished last line at the end of input");
        assertEquals(Optional.of(CloseReason.COMPLETED), c.closeReason());
        assertEquals(4, counters.get(Counters.TCP_REPLIED));
    }

    @Test
    void lengthPrefixedFramesSplitAndMerged() {
        Framing framing = Framing.lengthPrefixed(1, 16);
        EmbeddedConnection c = connection(framing);
        c.feed(new byte[] {2, 'a'}).feed(new byte[] {'b', 1, 'c', 0});
        assertEquals("\u0002AB\u0001C\u0000", c.readOutput());
    }

    @Test
    void aLineOverTheLimitClosesWithInputLimitAndAClearReason() {
        EmbeddedConnection c = connection(Framing.lines(16));
        c.feed("fine\n").feed("x".repeat(18));
        assertEquals("FINE\r\n", c.readOutput());
        assertEquals(Optional.of(CloseReason.INPUT_LIMIT), c.closeReason());
        assertEquals("line longer than 16 bytes", c.failure().orElseThrow().getMessage());
    }

    @Test
    void inputEndingInsideALengthPrefixedFrameIsMalformed() {
        EmbeddedConnection c = connection(Framing.lengthPrefixed(2, 16));
        c.feed(new byte[] {0, 9, 'a'}).endInput();
        assertEquals(Optional.of(CloseReason.MALFORMED), c.closeReason());
        assertTrue(c.failure().orElseThrow().getMessage().startsWith("the input ended inside a frame"));
    }

    @Test
    void aRequestLeftWithoutReplyIsNotAnswered() {
        EmbeddedConnection c = EmbeddedConnection.open(Replies.selector(context, Framing.lines(16),
                Replier.text(s -> s.isEmpty() ? null : s)), 1024);
        c.feed("\nsomething\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("something\r\n", c.readOutput(), "an empty line got no reply");
    }
}
