package ${package};

import dev.netsvc.core.ClientException;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.testkit.ClientHarness;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client against the real service, and against a port where nothing listens. */
// tag::client-test[]
class ReverseClientTest {

    @Test
    void printsTheAnswer() throws Exception {
        try (ServiceHarness service = ServiceHarness.of(new ReverseService()).start()) {
            ClientHarness client = ClientHarness.of(new ReverseClient());
            assertEquals(0, client.run(HostPort.format(service.tcp()), "stressed"));
            assertEquals("desserts", client.out().strip());
        }
    }

    @Test
    void explainsAFailureInPlainWordsWithTheAddress() throws Exception {
        String address;
        try (ServiceHarness service = ServiceHarness.of(new ReverseService()).start()) {
            address = HostPort.format(service.tcp());
        } // stopped: nothing listens there now
        ClientException e = assertThrows(ClientException.class,
                () -> ClientHarness.of(new ReverseClient()).run(address, "x"));
        assertTrue(e.getMessage().startsWith("connection refused by " + address), e.getMessage());
    }
}
// end::client-test[]
