package dev.netsvc.examples.classics;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ClientHarness;
import dev.netsvc.testkit.EmbeddedConnection;
import dev.netsvc.testkit.EmbeddedDatagram;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

// tag::test[]
class WordcountTest {

    @Test
    void countsTheWordsOfEachLine() {
        assertEquals(0, Words.count(" \t "));
        assertEquals(3, Words.count("  to be\tsure "));
    }

    @Test
    void answersInMemoryHoweverTheLinesArrive() throws Exception {
        WordcountService service = new WordcountService();
        ServiceContext context = ServiceHarness.of(service).context();
        EmbeddedConnection c = EmbeddedConnection.open(service.tcpHandlers(context));
        c.feed("one tw").feed("o\nthree\n");
        assertEquals("2\r\n1\r\n", c.readOutput());
        assertEquals(Optional.of("3\r\n"), EmbeddedDatagram.answer(service.udpHandler(context), 65_507, "a b c\n"));
    }

    @Test
    void answersEachLineOverTcpAndItsClientAsksOverBoth() throws Exception {
        try (ServiceHarness wordcount = ServiceHarness.of(new WordcountService()).start();
             Socket socket = new Socket(wordcount.host(), wordcount.tcpPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("one two\r\nthree\n\n".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("2", in.readLine());
            assertEquals("1", in.readLine());
            assertEquals("0", in.readLine());
            assertNull(in.readLine(), "closed after the last line");

            ClientHarness tcp = ClientHarness.of(new WordcountClient());
            assertEquals(0, tcp.run(HostPort.format(wordcount.tcp()), "the", "quick brown fox"));
            assertEquals("4", tcp.out().strip());
            ClientHarness udp = ClientHarness.of(new WordcountClient()).flag("udp");
            assertEquals(0, udp.run(HostPort.format(wordcount.udp()), "jumps over"));
            assertEquals("2", udp.out().strip());
            Await.until(Duration.ofSeconds(5), "the words counted", () -> wordcount.counters().snapshot()
                    .getOrDefault("wordcount.words", 0L) == 2 + 1 + 4 + 2);
        }
    }

    @Test
    void aLineOverTheLimitIsRefusedInPlainWords() throws Exception {
        try (ServiceHarness wordcount = ServiceHarness.of(new WordcountService()).set("max-line", "8").start()) {
            ClientException e = assertThrows(ClientException.class, () -> ClientHarness.of(new WordcountClient())
                    .run(HostPort.format(wordcount.tcp()), "far too long a line"));
            assertTrue(e.getMessage().contains(HostPort.format(wordcount.tcp())), e.getMessage());
        }
        ConfigException bad = assertThrows(ConfigException.class,
                () -> ServiceHarness.of(new WordcountService()).set("max-line", "0").start());
        assertEquals("wordcount.max-line", bad.key());
    }
}
// end::test[]
