package dev.netsvc.http;

import dev.netsvc.core.NetService;
import dev.netsvc.testkit.AccessConformance;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** http on both transports (BlockingTcpServer and NioTcpServer) against the access-control suite. */
class HttpAccessTest {

    abstract static class OnTransport extends AccessConformance {
        @TempDir
        Path www;

        abstract String io();

        @Override
        protected NetService service() {
            return new HttpService();
        }

        @Override
        protected ServiceHarness harness() throws IOException {
            Files.writeString(www.resolve("index.html"), "hello");
            return ServiceHarness.of(service()).set("root", www.toString()).set("access-log", "false").set("io", io());
        }

        /** One keep-alive request: the status line comes back, and the connection stays open. */
        @Override
        protected void assertServed(Socket socket) throws IOException {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertEquals("HTTP/1.1 200", new String(in.readNBytes(12), StandardCharsets.US_ASCII));
        }
    }

    @Nested
    class Blocking extends OnTransport {
        @Override
        String io() {
            return "blocking";
        }
    }

    @Nested
    class Selector extends OnTransport {
        @Override
        String io() {
            return "selector";
        }
    }
}
