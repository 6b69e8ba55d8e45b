package ${package};

import dev.netsvc.core.ClientException;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.testkit.ClientHarness;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

// tag::client-test[]
class ${className}ClientTest {

    @Test
    void printsTheAnswerOverTcpAndUdp() throws Exception {
        try (ServiceHarness service = ServiceHarness.of(new ${className}Service()).start()) {
            ClientHarness tcp = ClientHarness.of(new ${className}Client());
            assertEquals(0, tcp.run(HostPort.format(service.tcp()), "stressed"));
            assertEquals("desserts", tcp.out().strip());
            ClientHarness udp = ClientHarness.of(new ${className}Client()).flag("udp");
            assertEquals(0, udp.run(HostPort.format(service.udp()), "stressed"));
            assertEquals("desserts", udp.out().strip());
        }
    }

    @Test
    void explainsAFailureInPlainWordsWithTheAddress() throws Exception {
        String address;
        try (ServiceHarness service = ServiceHarness.of(new ${className}Service()).start()) {
            address = HostPort.format(service.tcp());
        } // stopped: nothing listens there now
        ClientException e = assertThrows(ClientException.class,
                () -> ClientHarness.of(new ${className}Client()).run(address, "x"));
        assertTrue(e.getMessage().startsWith("connection refused by " + address), e.getMessage());
    }
}
// end::client-test[]
