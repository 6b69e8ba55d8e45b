package dev.netsvc.core.reply;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.Counters;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.UsageException;
import dev.netsvc.core.frame.Framing;
import dev.netsvc.core.frame.Replier;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ClientHarness;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A request/reply service and its client, over TCP and UDP, and the clients' failures in plain words. */
class RequestReplyServiceTest {

    static final ConfigKey<Integer> MAX_LINE = ConfigKey.integer("max-line", 32, 1, 1024, "longest line");

    /** Answers each line in capitals. */
    static final class Upper extends RequestReplyService {
        Upper() {
            super("upper", "answers each line in capitals", 7801);
        }

        Upper(Set<Transport> transports) {
            super("upper", "answers each line in capitals", 7801, transports);
        }

        @Override
        protected List<ConfigKey<?>> serviceKeys() {
            return List.of(MAX_LINE);
        }

        @Override
        protected Framing framing(ServiceContext context) {
            return Framing.lines(context.get(MAX_LINE));
        }

        @Override
        protected Replier open(ServiceContext context) {
            return Replier.text(line -> line.toUpperCase(Locale.ROOT));
        }
    }

    static final class UpperClient extends RequestClient {
        UpperClient() {
            super("upper", "have TEXT put in capitals", 7801, Framing.lines(32));
        }
    }

    @Test
    void theClientIsAnsweredOverTcpAndUdpOnOnePort() throws Exception {
        try (ServiceHarness service = ServiceHarness.of(new Upper()).start()) {
            assertEquals(service.tcpPort(), service.udp().getPort(), "UDP on the port TCP got");
            String target = HostPort.format(service.tcp());
            ClientHarness tcp = ClientHarness.of(new UpperClient());
            assertEquals(0, tcp.run(target, "hello", "world"));
            assertEquals("HELLO WORLD", tcp.out().strip());
            ClientHarness udp = ClientHarness.of(new UpperClient()).flag("udp");
            assertEquals(0, udp.run(target, "over", "udp"));
            assertEquals("OVER UDP", udp.out().strip());
            Await.until(Duration.ofSeconds(5), "one reply each way", () -> service.counters().get(Counters.TCP_REPLIED) == 1
                    && service.counters().get(Counters.UDP_REPLIED) == 1);
        }
    }

    @Test
    void itsKeysAreItsOwnAndTheLimitsOfItsTransports() {
        assertEquals(List.of("max-line", "max-connections", "idle-timeout", "udp-rate", "udp-burst", "udp-global-rate",
                "udp-tracked-sources"), new Upper().configKeys().stream().map(ConfigKey::name).toList());
        assertEquals(List.of("max-line", "udp-rate", "udp-burst", "udp-global-rate", "udp-tracked-sources"),
                new Upper(Set.of(Transport.UDP)).configKeys().stream().map(ConfigKey::name).toList());
    }

    @Test
    void aTcpOnlyServiceListensOnTcpOnly() throws Exception {
        try (ServiceHarness service = ServiceHarness.of(new Upper(Set.of(Transport.TCP))).start()) {
            assertEquals(List.of(Transport.TCP), service.endpoints().stream().map(e -> e.transport()).toList());
        }
    }

    @Test
    void aRequestTooLongToSendIsAUsageError() {
        UsageException e = assertThrows(UsageException.class,
                () -> ClientHarness.of(new UpperClient()).run("127.0.0.1:9", "x".repeat(33)));
        assertTrue(e.getMessage().contains("longer than the limit of 32"), e.getMessage());
    }

    /** The missing argument is named as the client's usage names it. */
    @Test
    void aMissingRequestIsNamedAsTheUsageNamesIt() {
        UsageException text = assertThrows(UsageException.class, () -> ClientHarness.of(new UpperClient()).run("127.0.0.1:9"));
        assertTrue(text.getMessage().contains("missing TEXT"), text.getMessage());
        RequestClient dict = new RequestClient("dict", "define WORD", 7802, Framing.lines(32)) {
            @Override
            public String usage() {
                return "HOST[:PORT] WORD [--udp [--retries N]]";
            }
        };
        UsageException word = assertThrows(UsageException.class, () -> ClientHarness.of(dict).run("127.0.0.1:9"));
        assertTrue(word.getMessage().contains("missing WORD"), word.getMessage());
    }

    @Test
    void aServerThatClosesWithoutAnsweringIsSaidInPlainWords() throws Exception {
        try (ServerSocket mute = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = mute.accept()) {
                    s.getInputStream().read();
                } catch (IOException ignored) {
                    // the test is over
                }
            });
            ClientException e = assertThrows(ClientException.class,
                    () -> ClientHarness.of(new UpperClient()).run("127.0.0.1:" + mute.getLocalPort(), "hi"));
            assertEquals("tcp 127.0.0.1:" + mute.getLocalPort() + " closed the connection without answering", e.getMessage());
        }
    }

    @Test
    void anAnswerLongerThanTheFramingAllowsIsRefused() throws Exception {
        try (ServerSocket chatty = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = chatty.accept()) {
                    s.getOutputStream().write(("y".repeat(100) + "\n").getBytes());
                    s.getInputStream().read();
                } catch (IOException ignored) {
                    // the test is over
                }
            });
            ClientException e = assertThrows(ClientException.class,
                    () -> ClientHarness.of(new UpperClient()).run("127.0.0.1:" + chatty.getLocalPort(), "hi"));
            assertTrue(e.getMessage().endsWith("is not lines of at most 32 bytes: line longer than 32 bytes"), e.getMessage());
        }
    }

    @Test
    void nothingAnsweringOverUdpIsAskedAgainThenSaidInPlainWords() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String target = "127.0.0.1:" + silent.getLocalPort();
            ClientHarness client = ClientHarness.of(new UpperClient()).flag("udp").option("retries", "1")
                    .timeout(Duration.ofMillis(100));
            ClientException e = assertThrows(ClientException.class, () -> client.run(target, "anyone?"));
            assertTrue(e.getMessage().startsWith("no answer from udp " + target + " after 2 attempts of 100 ms each"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("try without --udp, or a longer --timeout"), e.getMessage());
            assertTrue(client.err().contains("asking again (2 of 2)"), client.err());
            DatagramPacket first = new DatagramPacket(new byte[64], 64);
            silent.receive(first);
            assertEquals("anyone?\r\n", new String(first.getData(), 0, first.getLength()), "the framed request was sent");
        }
    }

    @Test
    void nothingListeningIsExplainedWithTheAddress() throws Exception {
        String address;
        try (ServiceHarness service = ServiceHarness.of(new Upper()).start()) {
            address = HostPort.format(service.tcp());
        }
        ClientException e = assertThrows(ClientException.class, () -> ClientHarness.of(new UpperClient()).run(address, "x"));
        assertTrue(e.getMessage().startsWith("connection refused by " + address), e.getMessage());
    }

    @Test
    void whenUdpCannotStartTcpIsStoppedAgain() throws Exception {
        AtomicReference<RunningService> tcp = new AtomicReference<>();
        ServiceContext context = ServiceHarness.of(new Upper()).context();
        IOException e = assertThrows(IOException.class, () -> RunningService.tcpThenUdp(context,
                c -> {
                    tcp.set(new Upper(Set.of(Transport.TCP)).start(c));
                    return tcp.get();
                },
                c -> {
                    throw new IOException("no UDP today");
                }));
        assertEquals("no UDP today", e.getMessage());
        assertThrows(java.net.ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(),
                tcp.get().endpoints().get(0).port()).close(), "nothing listens on TCP any more");
    }
}
