package dev.netsvc.echo.selector;

import dev.netsvc.core.NetService;
import dev.netsvc.testkit.AccessConformance;
import dev.netsvc.testkit.EchoConformance;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** echo-selector (NioTcpServer) against the access-control suite. */
class EchoSelectorAccessTest extends AccessConformance {

    @Override
    protected NetService service() {
        return new EchoSelectorService();
    }

    @Override
    protected void assertServed(Socket socket) throws IOException {
        assertTrue(EchoConformance.echoes(socket, Duration.ofSeconds(30)), "served: '?' comes back");
    }
}
