package dev.netsvc.core.frame;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoders alone, without sockets: split, merged, oversized and malformed input for every framing. */
class FrameDecoderTest {

    private static final Framing LINES = Framing.lines(8);
    private static final Framing CRLF_CRLF = Framing.delimited("\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 8);
    private static final Framing LENGTH_2 = Framing.lengthPrefixed(2, 8);

    /** Feeds each piece in turn and collects every frame as text, then the end of input's. */
    private static List<String> decode(Framing framing, byte[]... pieces) throws FrameException {
        FrameDecoder decoder = framing.decoder();
        List<String> frames = new ArrayList<>();
        for (byte[] piece : pieces) {
            ByteBuffer input = ByteBuffer.wrap(piece);
            ByteBuffer frame;
            while ((frame = decoder.next(input)) != null) {
                frames.add(StandardCharsets.ISO_8859_1.decode(frame).toString());
            }
            assertEquals(0, input.remaining(), "every byte taken");
        }
        ByteBuffer last = decoder.end();
        if (last != null) {
            frames.add(StandardCharsets.ISO_8859_1.decode(last).toString() + "<end>");
        }
        return frames;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---- lines -------------------------------------------------------------------------------------------

    @Test
    void linesEndAtLfOrCrLfWhetherSplitOrMerged() throws FrameException {
        assertEquals(List.of("one", "two", "", "three"), decode(LINES, b("one\ntwo\r\n\nthree\n")));
        assertEquals(List.of("one", "two"), decode(LINES, b("o"), b("ne\r"), b("\ntw"), b("o"), b("\n")));
        assertEquals(List.of("one", "tail<end>"), decode(LINES, b("one\ntail")), "a last line without its ending");
        assertEquals(List.of("a", "b<end>"), decode(LINES, b("a\nb\r")), "and without a CR left dangling");
    }

    @Test
    void aLineOfExactlyTheLimitPassesAndOneByteMoreIsTooLong() throws FrameException {
        assertEquals(List.of("12345678", "12345678"), decode(LINES, b("12345678\r\n"), b("1234"), b("5678\n")));
        FrameException merged = assertThrows(FrameException.class, () -> decode(LINES, b("123456789\n")));
        assertEquals(FrameException.Reason.TOO_LONG, merged.reason());
        assertEquals("line longer than 8 bytes", merged.getMessage());
        assertThrows(FrameException.class, () -> decode(LINES, b("12345"), b("6789\n")), "split");
        assertThrows(FrameException.class, () -> decode(LINES, b("123456789")), "at the end of input");
    }

    @Test
    void aLineWithoutAnEndingIsRefusedAsSoonAsItCannotFitWithoutBufferingIt() {
        FrameDecoder decoder = LINES.decoder();
        assertThrows(FrameException.class, () -> decoder.next(ByteBuffer.wrap(new byte[10_000_000])),
                "one huge piece is refused before anything is copied");
        FrameDecoder slow = LINES.decoder();
        int fed = 0;
        FrameException e = null;
        while (e == null && fed < 1000) {
            try {
                assertNull(slow.next(ByteBuffer.wrap(b("x"))));
                fed++;
            } catch (FrameException tooLong) {
                e = tooLong;
            }
        }
        assertEquals(9, fed, "refused at the 10th byte: 8 and a possible CR were allowed");
        assertTrue(slow.pending() <= LINES.maxFrameBytes());
    }

    @Test
    void binaryBytesAreJustBytesOfALine() throws FrameException {
        byte[] input = {0, (byte) 0xFF, '\r', 7, '\n'};
        FrameDecoder decoder = LINES.decoder();
        ByteBuffer frame = decoder.next(ByteBuffer.wrap(input));
        assertEquals(ByteBuffer.wrap(new byte[] {0, (byte) 0xFF, '\r', 7}), frame, "only a CR before LF goes");
    }

    // ---- delimited ---------------------------------------------------------------------------------------

    @Test
    void aMultiByteDelimiterIsFoundWhereverThePiecesAreCut() throws FrameException {
        byte[] stream = b("ab\r\n\r\ncd\r\n\r\n\r\n\r\nlast");
        List<String> expected = List.of("ab", "cd", "", "last<end>");
        assertEquals(expected, decode(CRLF_CRLF, stream));
        for (int cut1 = 0; cut1 <= stream.length; cut1++) {
            for (int cut2 = cut1; cut2 <= stream.length; cut2++) {
                assertEquals(expected, decode(CRLF_CRLF, slice(stream, 0, cut1), slice(stream, cut1, cut2),
                        slice(stream, cut2, stream.length)), "cut at " + cut1 + " and " + cut2);
            }
        }
        assertEquals(List.of("a\r\n\rb"), decode(CRLF_CRLF, b("a\r\n\rb\r\n\r\n")), "part of a delimiter is data");
    }

    @Test
    void aDelimitedFrameOverTheLimitIsTooLong() {
        FrameException e = assertThrows(FrameException.class, () -> decode(CRLF_CRLF, b("123456789\r\n\r\n")));
        assertEquals("frame longer than 8 bytes", e.getMessage());
        assertThrows(FrameException.class, () -> decode(CRLF_CRLF, b("12345678\r\n\r"), b("x")), "a false start");
        assertDoesNotThrow(() -> decode(CRLF_CRLF, b("12345678\r\n\r"), b("\n")));
    }

    // ---- length-prefixed ---------------------------------------------------------------------------------

    @Test
    void lengthPrefixedFramesWhetherSplitOrMerged() throws FrameException {
        byte[] stream = {0, 3, 'a', 'b', 'c', 0, 0, 0, 1, 'z'};
        assertEquals(List.of("abc", "", "z"), decode(LENGTH_2, stream));
        for (int cut = 0; cut <= stream.length; cut++) {
            assertEquals(List.of("abc", "", "z"), decode(LENGTH_2, slice(stream, 0, cut), slice(stream, cut, stream.length)));
        }
        assertEquals(List.of("abc", "", "z"), decode(LENGTH_2, new byte[] {0}, new byte[] {3}, b("a"), b("bc"),
                new byte[] {0, 0}, new byte[] {0}, new byte[] {1, 'z'}));
    }

    @Test
    void aLengthOverTheLimitIsRefusedBeforeItsBytesArrive() {
        FrameDecoder decoder = LENGTH_2.decoder();
        FrameException e = assertThrows(FrameException.class, () -> decoder.next(ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF})));
        assertEquals(FrameException.Reason.TOO_LONG, e.reason());
        assertEquals("a frame of 65535 bytes announced; the limit is 8 bytes", e.getMessage());
        FrameDecoder four = Framing.lengthPrefixed(4, 100).decoder();
        FrameException huge = assertThrows(FrameException.class,
                () -> four.next(ByteBuffer.wrap(new byte[] {(byte) 0x80, 0, 0, 0})));
        assertTrue(huge.getMessage().contains("2147483648 bytes"), "an unsigned length: " + huge.getMessage());
    }

    @Test
    void inputEndingInsideALengthPrefixedFrameIsMalformed() {
        FrameException e = assertThrows(FrameException.class, () -> decode(LENGTH_2, new byte[] {0, 5, 'a', 'b'}));
        assertEquals(FrameException.Reason.MALFORMED, e.reason());
        assertEquals("the input ended inside a frame, after 4 bytes of it", e.getMessage());
        assertThrows(FrameException.class, () -> decode(LENGTH_2, new byte[] {0}), "inside the length");
    }

    @Test
    void everyFramingDecodesWhatItEncodedCutAnywhere() throws FrameException {
        Random random = new Random(28);
        for (Framing framing : List.of(Framing.lines(300), Framing.delimited(new byte[] {0, 1}, 300),
                Framing.lengthPrefixed(1, 255), Framing.lengthPrefixed(2, 300), Framing.lengthPrefixed(4, 300))) {
            List<byte[]> sent = new ArrayList<>();
            ByteBuffer wire = ByteBuffer.allocate(200 * 310);
            for (int i = 0; i < 200; i++) {
                byte[] payload = payload(random, framing);
                sent.add(payload);
                wire.put(framing.encode(payload));
            }
            wire.flip();
            FrameDecoder decoder = framing.decoder();
            List<byte[]> received = new ArrayList<>();
            while (wire.hasRemaining()) {
                int n = Math.min(wire.remaining(), 1 + random.nextInt(700));
                ByteBuffer piece = wire.slice(wire.position(), n);
                wire.position(wire.position() + n);
                ByteBuffer frame;
                while ((frame = decoder.next(piece)) != null) {
                    byte[] copy = new byte[frame.remaining()];
                    frame.get(copy);
                    received.add(copy);
                }
            }
            assertNull(decoder.end(), framing + ": nothing left over");
            assertEquals(sent.size(), received.size(), framing.toString());
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), received.get(i), framing + ", frame " + i);
            }
        }
    }

    /** Random bytes the framing can carry (no LF in a line, no delimiter in a delimited frame). */
    private static byte[] payload(Random random, Framing framing) {
        byte[] p = new byte[random.nextInt(framing.maxLength() + 1)];
        random.nextBytes(p);
        for (int i = 0; i < p.length; i++) {
            if (p[i] == '\n' || p[i] == 0 || (p[i] == '\r' && i == p.length - 1)) {
                p[i] = 'x';
            }
        }
        return p;
    }

    // ---- the pause ---------------------------------------------------------------------------------------

    @Test
    void aPauseMakesWhatIsPendingAFrame() throws FrameException {
        Framing greeting = Framing.lines(16).withPause(Duration.ofMillis(50));
        FrameDecoder decoder = greeting.decoder();
        assertNull(decoder.next(ByteBuffer.wrap(b("michael"))));
        assertEquals(7, decoder.pending());
        assertEquals(ByteBuffer.wrap(b("michael")), decoder.flush());
        assertEquals(0, decoder.pending());
        assertNull(decoder.flush(), "nothing pending, no frame");
        assertThrows(IllegalArgumentException.class, () -> LENGTH_2.withPause(Duration.ofMillis(50)));
    }

    // ---- encoding and datagrams --------------------------------------------------------------------------

    @Test
    void encodingFramesAndRefusesWhatCannotBeFramed() {
        assertEquals(ByteBuffer.wrap(b("hi\r\n")), LINES.encode("hi"));
        assertEquals(ByteBuffer.wrap(new byte[] {0, 2, 'h', 'i'}), LENGTH_2.encode("hi"));
        assertEquals(ByteBuffer.wrap(new byte[] {2, 'h', 'i'}), Framing.lengthPrefixed(1, 2).encode("hi"));
        assertEquals(ByteBuffer.wrap(b("hi\r\n\r\n")), CRLF_CRLF.encode("hi"));
        assertThrows(IllegalArgumentException.class, () -> LINES.encode("a\nb"));
        assertThrows(IllegalArgumentException.class, () -> LINES.encode("123456789"));
        assertThrows(IllegalArgumentException.class, () -> Framing.lengthPrefixed(1, 256));
        assertThrows(IllegalArgumentException.class, () -> Framing.lengthPrefixed(3, 10));
    }

    @Test
    void aDatagramIsOneWholeFrame() throws FrameException {
        assertEquals(ByteBuffer.wrap(b("three words here")), Framing.lines(20).single(ByteBuffer.wrap(b("three words here\r\n"))));
        assertEquals(ByteBuffer.wrap(b("no ending")), Framing.lines(20).single(ByteBuffer.wrap(b("no ending"))));
        assertEquals(ByteBuffer.wrap(b("ab")), LENGTH_2.single(ByteBuffer.wrap(new byte[] {0, 2, 'a', 'b'})));
        assertEquals(FrameException.Reason.MALFORMED, assertThrows(FrameException.class,
                () -> LENGTH_2.single(ByteBuffer.wrap(new byte[] {0, 3, 'a', 'b'}))).reason());
        assertEquals(FrameException.Reason.TOO_LONG, assertThrows(FrameException.class,
                () -> LINES.single(ByteBuffer.wrap(b("123456789\n")))).reason());
    }

    private static byte[] slice(byte[] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, to);
    }

    private static void assertDoesNotThrow(org.junit.jupiter.api.function.Executable e) {
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(e);
    }
}
