package dev.netsvc.examples.classics;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.testkit.ClientHarness;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OneShotTest {

    @Test
    void answersOneMessageAndCloses() throws Exception {
        try (ServiceHarness oneshot = ServiceHarness.of(new OneShotService()).start();
             Socket socket = new Socket(oneshot.host(), oneshot.tcpPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("I am client.".getBytes(StandardCharsets.US_ASCII));
            assertEquals("I am server.", new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void theClientPrintsTheAnswer() throws Exception {
        try (ServiceHarness oneshot = ServiceHarness.of(new OneShotService()).start()) {
            ClientHarness client = ClientHarness.of(new OneShotClient());
            assertEquals(0, client.run(HostPort.format(oneshot.tcp()), "hello"));
            assertEquals("I am server.\n", client.out());
        }
    }

    @Test
    void theClientNamesTheAddressWhenNothingListens() throws Exception {
        String address;
        try (ServiceHarness oneshot = ServiceHarness.of(new OneShotService()).start()) {
            address = HostPort.format(oneshot.tcp());
        }
        ClientException e = assertThrows(ClientException.class, () -> ClientHarness.of(new OneShotClient()).run(address));
        assertTrue(e.getMessage().startsWith("connection refused by " + address + ": "), e.getMessage());
    }
}
