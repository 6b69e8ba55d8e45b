package dev.netsvc.exec;

import dev.netsvc.core.NetService;
import dev.netsvc.testkit.AccessConformance;
import dev.netsvc.testkit.EchoConformance;
import dev.netsvc.testkit.ServiceHarness;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** An exec service running /bin/cat against the access-control suite every TCP service passes. */
class ExecAccessTest extends AccessConformance {

    @Override
    protected NetService service() {
        return new ExecService();
    }

    @Override
    protected ServiceHarness harness() {
        return ServiceHarness.of(service()).set("command", "/bin/cat");
    }

    @Override
    protected void assertServed(Socket socket) throws IOException {
        assertTrue(EchoConformance.echoes(socket, Duration.ofSeconds(30)), "served: '?' comes back through cat");
    }
}
