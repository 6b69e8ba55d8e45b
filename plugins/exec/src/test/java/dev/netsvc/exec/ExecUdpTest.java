package dev.netsvc.exec;

import dev.netsvc.core.Counters;
import dev.netsvc.testkit.Await;
import dev.netsvc.testkit.ServiceHarness;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An exec service over UDP: a program per datagram, its output the reply. */
class ExecUdpTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static ServiceHarness udp(String command, String... settings) {
        return ExecTcpTest.exec(command, settings).set("transport", "udp");
    }

    private static DatagramSocket client() throws IOException {
        DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    private static String exchange(DatagramSocket client, ServiceHarness service, String request) throws IOException {
        send(client, service, request);
        DatagramPacket reply = new DatagramPacket(new byte[65536], 65536);
        client.receive(reply);
        return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
    }

    private static void send(DatagramSocket client, ServiceHarness service, String request) throws IOException {
        byte[] bytes = request.getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(bytes, bytes.length, service.udp()));
    }

    @Test
    void theDatagramIsTheProgramsInputAndItsOutputTheReply() throws IOException {
        try (ServiceHarness cat = udp("/bin/cat").start(); DatagramSocket client = client()) {
            assertEquals("hello, datagram\n", exchange(client, cat, "hello, datagram\n"));
            assertEquals("again", exchange(client, cat, "again"));
            Await.until(WAIT, "two replies counted", () -> cat.counters().get(Counters.UDP_REPLIED) == 2);
            assertEquals(2, cat.counters().get(Counters.EXEC_PROGRAMS_STARTED));
        }
    }

    @Test
    void theProgramLearnsItsClientWithProtoUdp() throws IOException {
        try (ServiceHarness env = udp("/usr/bin/env").start(); DatagramSocket client = client()) {
            List<String> lines = exchange(client, env, "").lines().sorted().toList();
            assertEquals(List.of("PATH=" + ProgramStarter.DEFAULT_PATH, "PROTO=UDP", "UDPLOCALIP=127.0.0.1",
                    "UDPLOCALPORT=" + env.udp().getPort(), "UDPREMOTEIP=127.0.0.1", "UDPREMOTEPORT=" + client.getLocalPort()), lines);
        }
    }

    @Test
    void anOutputLongerThanAReplyMayBeSendsNothingAndEndsTheProgram() throws IOException {
        try (ServiceHarness chatty = udp("/usr/bin/yes", "udp-reply-size", "16").start(); DatagramSocket client = client()) {
            send(client, chatty, "?");
            Await.until(WAIT, "the program ended for writing too much", () ->
                    chatty.counters().get(Counters.EXEC_PROGRAMS_ENDED.member("too-long")) == 1);
            assertEquals(0, chatty.counters().get(Counters.UDP_REPLIED));
        }
    }

    @Test
    void whenEveryProgramSlotIsBusyADatagramIsDroppedAndCounted() throws IOException {
        try (ServiceHarness slow = udp("/bin/sleep", "args", "600", "max-connections", "1").grace(Duration.ofMillis(200)).start();
             DatagramSocket client = client()) {
            send(client, slow, "first");
            Await.until(WAIT, "the first program running", () -> slow.counters().get(Counters.EXEC_PROGRAMS_RUNNING) == 1);
            send(client, slow, "second");
            Await.until(WAIT, "the second datagram dropped", () -> slow.counters().get(Counters.UDP_DROPPED.member("busy")) == 1);
            assertEquals(1, slow.counters().get(Counters.EXEC_PROGRAMS_STARTED));
        }
    }

    @Test
    void aProgramWithoutOutputSendsNoReplyAndOneThatCannotStartIsCounted() throws IOException {
        try (ServiceHarness quiet = udp("/bin/true").start(); ServiceHarness missing = udp("/nonexistent/program").start();
             DatagramSocket client = client()) {
            send(client, quiet, "x");
            send(client, missing, "x");
            Await.until(WAIT, "both programs ended", () -> quiet.counters().get(Counters.EXEC_PROGRAMS_ENDED.member("exit")) == 1
                    && missing.counters().get(Counters.EXEC_PROGRAMS_NOT_STARTED) == 1);
            assertEquals(0, quiet.counters().get(Counters.UDP_REPLIED) + missing.counters().get(Counters.UDP_REPLIED));
            assertEquals(0, quiet.counters().get(Counters.UDP_FAILED));
        }
    }
}
