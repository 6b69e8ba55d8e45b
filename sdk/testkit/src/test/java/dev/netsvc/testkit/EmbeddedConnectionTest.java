package dev.netsvc.testkit;

import dev.netsvc.core.nio.CloseReason;
import dev.netsvc.core.nio.Connection;
import dev.netsvc.core.nio.ConnectionHandler;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedConnectionTest {

    /** Answers each complete line upper-cased; half a line waits (is left unconsumed) for the rest. */
    static final class UpperLines implements ConnectionHandler {
        final List<CloseReason> closed = new ArrayList<>();
        int drained;

        @Override
        public void onInput(Connection connection, ByteBuffer input) throws IOException {
            int start = input.position();
            for (int i = start; i < input.limit(); i++) {
                if (input.get(i) == '\n') {
                    byte[] line = new byte[i + 1 - input.position()];
                    input.get(line);
                    String text = new String(line, StandardCharsets.US_ASCII).toUpperCase();
                    connection.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
                }
            }
        }

        @Override
        public void onEndOfInput(Connection connection) {
            connection.shutdownOutput();
        }

        @Override
        public void onOutputDrained(Connection connection) {
            drained++;
        }

        @Override
        public void onClosed(Connection connection, CloseReason reason) {
            closed.add(reason);
        }
    }

    @Test
    void echoesAndClosesAtEndOfInputByDefault() {
        EmbeddedConnection c = EmbeddedConnection.of((connection, input) -> connection.write(input));
        c.feed("hello");
        assertEquals("hello", c.readOutput());
        assertEquals("", c.readOutput());
        assertTrue(c.isOpen());
        c.endInput();
        assertEquals(Optional.of(CloseReason.COMPLETED), c.closeReason());
        assertFalse(c.isOpen());
    }

    @Test
    void unconsumedInputIsOfferedAgainWithTheNext() {
        UpperLines handler = new UpperLines();
        EmbeddedConnection c = EmbeddedConnection.of(handler);
        c.feed("ab");
        assertEquals("", c.readOutput());
        c.feed("c\nde");
        assertEquals("ABC\n", c.readOutput());
        c.feed("\n");
        assertEquals("DE\n", c.readOutput());
        c.endInput();
        assertTrue(c.outputShutdown(), "half-closed in turn");
        assertTrue(c.isOpen());
        c.close();
        assertEquals(List.of(CloseReason.COMPLETED), handler.closed);
    }

    @Test
    void aFullBufferLeftUnconsumedClosesWithInputLimit() {
        UpperLines handler = new UpperLines();
        EmbeddedConnection c = EmbeddedConnection.open(connection -> handler, 64);
        c.feed("x".repeat(63));
        assertTrue(c.isOpen());
        c.feed("y");
        assertEquals(Optional.of(CloseReason.INPUT_LIMIT), c.closeReason());
        assertEquals(List.of(CloseReason.INPUT_LIMIT), handler.closed);
    }

    @Test
    void inputLargerThanTheBufferArrivesInPieces() {
        List<Integer> sizes = new ArrayList<>();
        EmbeddedConnection c = EmbeddedConnection.open(connection -> (conn, input) -> {
            sizes.add(input.remaining());
            conn.write(input);
        }, 100);
        c.feed("z".repeat(250));
        assertEquals(List.of(100, 100, 50), sizes);
        assertEquals("z".repeat(250), c.readOutput());
    }

    @Test
    void heldOutputIsPendingUntilThePeerReadsAndCloseWaitsForIt() {
        UpperLines handler = new UpperLines();
        EmbeddedConnection c = EmbeddedConnection.of(handler).holdOutput();
        c.feed("one\n");
        assertEquals("", c.readOutput());
        assertEquals(4, c.pendingOutput());
        c.close();
        assertTrue(c.closeReason().isEmpty(), "closing waits for pending output");
        c.releaseOutput();
        assertEquals("ONE\n", c.readOutput());
        assertEquals(Optional.of(CloseReason.COMPLETED), c.closeReason());
    }

    @Test
    void drainingCallsOnOutputDrained() {
        UpperLines handler = new UpperLines();
        EmbeddedConnection c = EmbeddedConnection.of(handler).holdOutput();
        c.feed("a\n").releaseOutput();
        assertEquals(1, handler.drained);
        assertEquals("A\n", c.readOutput());
    }

    @Test
    void suspendedInputWaitsForResume() {
        List<String> seen = new ArrayList<>();
        EmbeddedConnection c = EmbeddedConnection.of((connection, input) -> {
            seen.add(StandardCharsets.US_ASCII.decode(input).toString());
            connection.suspendInput();
            connection.execute(connection::resumeInput);
        });
        c.feed("a");
        assertEquals(List.of("a"), seen);
        c.feed("b");
        assertEquals(List.of("a", "b"), seen, "resumed by the task, then offered");
    }

    @Test
    void aThrowingHandlerClosesItsConnectionAsFailed() {
        EmbeddedConnection c = EmbeddedConnection.of((connection, input) -> {
            throw new IOException("parse error");
        });
        c.feed("x");
        assertEquals(Optional.of(CloseReason.FAILED), c.closeReason());
        assertEquals("parse error", c.failure().orElseThrow().getMessage());
    }

    @Test
    void abortDropsPendingOutput() {
        EmbeddedConnection c = EmbeddedConnection.of((connection, input) -> {
            connection.write(input);
            connection.abort();
        }).holdOutput();
        c.feed("lost");
        c.releaseOutput();
        assertEquals("", c.readOutput());
        assertEquals(Optional.of(CloseReason.ABORTED), c.closeReason());
    }
}
