package dev.netsvc.dist;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** echo-selector in the distribution: the checks every echo service passes ({@link EchoServiceIT}), and UDP echo. */
class EchoSelectorIT extends EchoServiceIT {

    @Override
    String serviceId() {
        return "echo-selector";
    }

    @Test
    void udpEchoOnTheSamePort() throws Exception {
        assertEquals(port("tcp"), port("udp"));
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(30_000);
            byte[] sent = "datagram".getBytes(StandardCharsets.US_ASCII);
            client.send(new DatagramPacket(sent, sent.length, new InetSocketAddress("127.0.0.1", port("udp"))));
            DatagramPacket reply = new DatagramPacket(new byte[100], 100);
            client.receive(reply);
            assertEquals("datagram", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void netcatOverUdp() throws Exception {
        String nc = Tools.require("nc");
        Process p = new ProcessBuilder(nc, "-u", "-w", "2", "127.0.0.1", Integer.toString(port("udp"))).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write("hello over udp\n".getBytes(StandardCharsets.US_ASCII));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals("hello over udp\n", out);
    }
}
