package dev.netsvc.echo.async;

import dev.netsvc.core.NetService;
import dev.netsvc.testkit.AccessConformance;
import dev.netsvc.testkit.EchoConformance;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** echo-async (the NIO.2 server) against the access-control suite. */
class EchoAsyncAccessTest extends AccessConformance {

    @Override
    protected NetService service() {
        return new EchoAsyncService();
    }

    @Override
    protected void assertServed(Socket socket) throws IOException {
        assertTrue(EchoConformance.echoes(socket, Duration.ofSeconds(30)), "served: '?' comes back");
    }
}
