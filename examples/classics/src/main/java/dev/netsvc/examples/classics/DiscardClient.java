package dev.netsvc.examples.classics;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.ClientOption;
import dev.netsvc.core.NetClient;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.TcpClient;

import org.pf4j.Extension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code netsvc call discard HOST[:PORT] [TEXT | -] [--udp]}: sends TEXT (a line) or standard input, and
 * prints how many bytes went. Over TCP it half-closes and waits for the server to close in turn, so a
 * success means the server took every byte.
 */
@Extension
public final class DiscardClient implements NetClient {

    @Override
    public String name() {
        return "discard";
    }

    @Override
    public String description() {
        return "send a line or standard input ('-') to a discard server";
    }

    @Override
    public String usage() {
        return "HOST[:PORT] [TEXT | -]";
    }

    @Override
    public List<ClientOption> options() {
        return List.of(ClientOption.flag("udp", "u", "send one datagram instead of over TCP"));
    }

    @Override
    public int run(ClientInvocation call) {
        call.atMostArguments(2);
        HostPort target = call.target(0, DiscardService.PORT);
        String text = call.arguments().size() > 1 ? call.arguments().get(1) : "-";
        long sent;
        if (call.has("udp")) {
            try {
                sent = sendDatagram(target, text, call);
            } catch (IOException e) {
                throw ClientException.explain(e, target);
            }
        } else {
            InputStream in = text.equals("-") ? call.in() : lineOf(text);
            sent = TcpClient.exchange(target, call.timeout(), (socket, to) -> send(socket, in, to));
        }
        call.out().println("discarded " + sent + " bytes at " + target);
        return 0;
    }

    private static InputStream lineOf(String text) {
        return new java.io.ByteArrayInputStream((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends all of {@code in}, half-closes, and waits for the server to close in turn. */
    private static long send(Socket socket, InputStream in, HostPort target) throws IOException {
        OutputStream out = socket.getOutputStream();
        long sent = in.transferTo(out);
        socket.shutdownOutput();
        if (socket.getInputStream().read() >= 0) {
            throw new ClientException(target + " answered: is it a discard server?");
        }
        return sent;
    }

    private static long sendDatagram(HostPort target, String text, ClientInvocation call) throws IOException {
        byte[] payload = (text.equals("-") ? call.in().readNBytes(65_507) : text.getBytes(StandardCharsets.UTF_8));
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.send(new DatagramPacket(payload, payload.length, target.resolve()));
        }
        return payload.length;
    }
}
