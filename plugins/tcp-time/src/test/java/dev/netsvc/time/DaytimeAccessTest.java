package dev.netsvc.time;

import dev.netsvc.core.NetService;
import dev.netsvc.testkit.AccessConformance;
import dev.netsvc.testkit.UdpAccessConformance;

import org.junit.jupiter.api.Nested;

import java.io.IOException;
import java.net.Socket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** daytime (ReplyService) against the access-control suites, over TCP and over UDP. */
class DaytimeAccessTest {

    @Nested
    class Tcp extends AccessConformance {
        @Override
        protected NetService service() {
            return new DaytimeService();
        }

        /** Keeps served connections open after the reply, so they count against per-source. */
        @Override
        protected List<String> baseSettings() {
            return List.of("linger", "1m");
        }

        @Override
        protected void assertServed(Socket socket) throws IOException {
            assertTrue(socket.getInputStream().read() >= 0, "the reply's first byte");
        }
    }

    @Nested
    class Udp extends UdpAccessConformance {
        @Override
        protected NetService service() {
            return new DaytimeService();
        }
    }
}
