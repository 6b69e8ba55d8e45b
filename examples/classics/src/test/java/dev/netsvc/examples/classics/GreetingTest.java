package dev.netsvc.examples.classics;

import dev.netsvc.core.net.HostPort;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ClientHarness;
import dev.netsvc.testkit.ManualClock;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class GreetingTest {

    @Test
    void welcomesGreetsEachNameAndClosesOnExit() throws Exception {
        try (ServiceHarness greeting = ServiceHarness.of(new GreetingService()).start();
             Socket socket = new Socket(greeting.host(), greeting.tcpPort())) {
            socket.setSoTimeout(5_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("Welcome!", in.readLine());
            socket.getOutputStream().write("Ada\r\nGrace Hopper\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("Hello, Ada!", in.readLine());
            assertEquals("Hello, Grace Hopper!", in.readLine());
            socket.getOutputStream().write("exit\n".getBytes(StandardCharsets.UTF_8));
            assertNull(in.readLine(), "exit closes the connection");
        }
    }

    @Test
    void aThreadPerConnectionServesClientsAtTheSameTime() throws Exception {
        try (ServiceHarness greeting = ServiceHarness.of(new GreetingService()).start();
             Socket first = new Socket(greeting.host(), greeting.tcpPort());
             Socket second = new Socket(greeting.host(), greeting.tcpPort())) {
            second.setSoTimeout(5_000);
            // the first client says nothing; the second is served anyway
            BufferedReader in = new BufferedReader(new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("Welcome!", in.readLine());
            second.getOutputStream().write("Linus\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("Hello, Linus!", in.readLine());
        }
    }

    @Test
    void theClientPrintsTheConversation() throws Exception {
        try (ServiceHarness greeting = ServiceHarness.of(new GreetingService()).start()) {
            ClientHarness client = ClientHarness.of(new GreetingClient());
            assertEquals(0, client.run(HostPort.format(greeting.tcp()), "Ada", "Linus"));
            assertEquals("Welcome!\nHello, Ada!\nHello, Linus!\n", client.out());
        }
    }

    /**
     * The socket tutorial's client sends each name without a newline and waits for the answer: the name
     * ends when the client pauses for 50 ms on the service's clock, or at the end of its input.
     */
    @Test
    void aNameEndsWhenTheClientPausesAsTheTutorialsClientDoes() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (ServiceHarness greeting = ServiceHarness.of(new GreetingService()).clock(clock).start();
             Socket socket = new Socket(greeting.host(), greeting.tcpPort())) {
            socket.setSoTimeout(5_000);
            InputStream in = socket.getInputStream();
            assertEquals("Welcome!\r\n", new String(in.readNBytes(10), StandardCharsets.UTF_8));
            for (String name : new String[] {"michael", "tracy"}) {
                socket.getOutputStream().write(name.getBytes(StandardCharsets.UTF_8));
                // no answer while the clock stands still; once it has moved past the pause, the answer comes
                Await.until(Duration.ofSeconds(10), "an answer to " + name, () -> {
                    clock.advance(GreetingService.PAUSE);
                    return available(in) > 0;
                });
                String answer = "Hello, " + name + "!\r\n";
                assertEquals(answer, new String(in.readNBytes(answer.length()), StandardCharsets.UTF_8));
            }
            socket.getOutputStream().write("exit".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput(); // as the tutorial's client closes: the end of input ends the word
            assertEquals(-1, in.read(), "exit closes the connection");
        }
    }

    private static int available(InputStream in) {
        try {
            return in.available();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
