package dev.netsvc.examples.classics;

import dev.netsvc.core.net.HostPort;
import dev.netsvc.testkit.ClientHarness;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

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
}
