package dev.netsvc.echo.blocking;

import dev.netsvc.core.NetService;
import dev.netsvc.testkit.AccessConformance;
import dev.netsvc.testkit.EchoConformance;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** echo-blocking (BlockingTcpServer) against the access-control suite. */
class EchoBlockingAccessTest extends AccessConformance {

    @Override
    protected NetService service() {
        return new EchoBlockingService();
    }

    @Override
    protected void assertServed(Socket socket) throws IOException {
        assertTrue(EchoConformance.echoes(socket, Duration.ofSeconds(30)), "served: '?' comes back");
    }
}
