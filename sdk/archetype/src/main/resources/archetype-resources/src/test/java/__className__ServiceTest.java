package ${package};

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.frame.Framing;
import dev.netsvc.core.nio.CloseReason;
import dev.netsvc.testkit.EmbeddedConnection;
import dev.netsvc.testkit.EmbeddedDatagram;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

// tag::service-test[]
class ${className}ServiceTest {

    private final ServiceContext context = ServiceHarness.of(new ${className}Service()).context();
    private final Framing lines = Framing.lines(16);

    @Test
    void answersEachLineInMemoryHoweverItArrives() {
        EmbeddedConnection c = EmbeddedConnection.open(${className}Service.tcpHandler(context, lines));
        c.feed("hello\r\nnet").feed("svc\n");
        assertEquals("olleh\r\ncvsten\r\n", c.readOutput());
        c.feed("x".repeat(20)); // longer than the limit: closed, nothing buffered
        assertEquals(Optional.of(CloseReason.INPUT_LIMIT), c.closeReason());
    }

    @Test
    void answersADatagramInMemory() {
        assertEquals(Optional.of("desserts\r\n"),
                EmbeddedDatagram.answer(${className}Service.udpHandler(context, lines), 18, "stressed\n"));
    }

    @Test
    void answersOverRealSockets() throws Exception {
        try (ServiceHarness service = ServiceHarness.of(new ${className}Service()).start();
             Socket socket = new Socket(service.host(), service.tcpPort());
             DatagramSocket udp = new DatagramSocket()) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("hello\nnetsvc\n".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("olleh", in.readLine());
            assertEquals("cvsten", in.readLine());
            assertNull(in.readLine(), "closed after the last line");

            udp.setSoTimeout(5_000);
            byte[] request = "stressed".getBytes(StandardCharsets.UTF_8);
            udp.send(new DatagramPacket(request, request.length, service.udp()));
            DatagramPacket answer = new DatagramPacket(new byte[64], 64);
            udp.receive(answer);
            assertEquals("desserts\r\n", new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void refusesAnInvalidSetting() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ServiceHarness.of(new ${className}Service()).set("max-line", "0").start());
        assertEquals("${serviceId}.max-line", e.key());
    }
}
// end::service-test[]
