package dev.netsvc.core.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of {@link ProxyHeader} (Jazzer); seeds under
 * {@code src/test/resources/dev/netsvc/core/internal/ProxyHeaderFuzzTestInputs/parse/}. Properties, for any
 * bytes and any accepted version:
 * <ul>
 *   <li>it answers "need more" (null), a header, or {@link ProxyHeader.Malformed} with a message; nothing else
 *       escapes, and the input's position never moves;</li>
 *   <li>a header is no longer than the input, at most 107 (v1) or 16 + 4096 (v2) bytes, and names both
 *       addresses or neither;</li>
 *   <li>the same bytes with more after them give the same header; every shorter prefix of a header's bytes
 *       asks for more (a header is never decided early).</li>
 * </ul>
 */
class ProxyHeaderFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void parse(FuzzedDataProvider data) {
        ProxyHeader.Accept accept = ProxyHeader.Accept.values()[data.consumeInt(0, 2)];
        byte[] bytes = data.consumeRemainingAsBytes();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        ProxyHeader.Header header;
        try {
            header = ProxyHeader.parse(in, accept);
        } catch (ProxyHeader.Malformed e) {
            assertNotNull(e.getMessage());
            assertEquals(0, in.position());
            return;
        }
        assertEquals(0, in.position(), "the input is not consumed");
        if (header == null) {
            return;
        }
        assertTrue(header.length() > 0 && header.length() <= bytes.length, "length within the input");
        assertTrue(header.version() == 1 ? header.length() <= ProxyHeader.MAX_V1_LENGTH
                : header.length() <= 16 + ProxyHeader.MAX_V2_LENGTH, "bounded");
        assertEquals(header.source() == null, header.destination() == null, "both addresses or neither");
        byte[] exact = Arrays.copyOf(bytes, header.length());
        try {
            assertEquals(header, ProxyHeader.parse(ByteBuffer.wrap(exact), accept), "what follows does not matter");
            for (int n = Math.max(0, header.length() - 20); n < header.length(); n++) {
                assertNull(ProxyHeader.parse(ByteBuffer.wrap(Arrays.copyOf(bytes, n)), accept), "decided early at " + n);
            }
        } catch (ProxyHeader.Malformed e) {
            throw new AssertionError("a prefix of a header was refused: " + e.getMessage(), e);
        }
    }
}
