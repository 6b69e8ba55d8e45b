package dev.netsvc.echo.selector;

import dev.netsvc.core.nio.CloseReason;
import dev.netsvc.testkit.EmbeddedConnection;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The TCP echo handler alone, on the test kit's in-memory connection: no sockets, no threads. */
class EchoHandlerTest {

    // tag::embedded[]
    @Test
    void echoesEveryByteCountsThemAndClosesAfterThePeerHalfCloses() {
        LongAdder counted = new LongAdder();
        EmbeddedConnection c = EmbeddedConnection.of(EchoSelectorService.echo(counted));
        c.feed("hello\r\n");
        assertEquals("hello\r\n", c.readOutput());
        byte[] bulk = new byte[300_000]; // more than one read buffer
        for (int i = 0; i < bulk.length; i++) {
            bulk[i] = (byte) i;
        }
        c.feed(bulk);
        assertArrayEquals(bulk, c.readOutputBytes());
        assertEquals(7 + bulk.length, counted.sum());
        c.endInput();
        assertEquals(Optional.of(CloseReason.COMPLETED), c.closeReason());
    }
    // end::embedded[]

    @Test
    void aSlowReaderKeepsTheEchoPendingUntilItReads() {
        EmbeddedConnection c = EmbeddedConnection.of(EchoSelectorService.echo(new LongAdder())).holdOutput();
        c.feed("abc");
        assertEquals(3, c.pendingOutput());
        assertEquals("abc", c.releaseOutput().readOutput());
    }
}
