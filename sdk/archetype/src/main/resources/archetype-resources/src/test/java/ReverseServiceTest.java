package ${package};

import dev.netsvc.core.ConfigException;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The service on a real socket: 127.0.0.1, a free port, settings validated as the host does. */
// tag::service-test[]
class ReverseServiceTest {

    @Test
    void answersEachLineReversed() throws Exception {
        try (ServiceHarness service = ServiceHarness.of(new ReverseService()).start();
             Socket socket = new Socket(service.host(), service.tcpPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("hello\nnetsvc\n".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("olleh", in.readLine());
            assertEquals("cvsten", in.readLine());
            assertNull(in.readLine(), "closed after the last line");
        }
    }

    @Test
    void refusesAnInvalidSetting() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ServiceHarness.of(new ReverseService()).set("max-line", "0").start());
        assertEquals("${serviceId}.max-line", e.key());
    }
}
// end::service-test[]
