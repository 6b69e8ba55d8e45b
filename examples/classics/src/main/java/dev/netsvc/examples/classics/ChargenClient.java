package dev.netsvc.examples.classics;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.ClientOption;
import dev.netsvc.core.NetClient;
import dev.netsvc.core.UsageException;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketIo;
import dev.netsvc.core.net.TcpClient;

import org.pf4j.Extension;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code netsvc call chargen HOST[:PORT] [--lines N] [--udp]}: prints the first N lines of the stream
 * (default 5) and closes; with {@code --udp}, sends one empty datagram and prints the answer.
 */
@Extension
public final class ChargenClient implements NetClient {

    @Override
    public String name() {
        return "chargen";
    }

    @Override
    public String description() {
        return "print the first lines a character generator sends";
    }

    @Override
    public String usage() {
        return "HOST[:PORT]";
    }

    @Override
    public List<ClientOption> options() {
        return List.of(ClientOption.value("lines", "n", "N", "lines to print over TCP (default 5)"),
                ClientOption.flag("udp", "u", "ask with one datagram"));
    }

    @Override
    public int run(ClientInvocation call) {
        call.atMostArguments(1);
        HostPort target = call.target(0, ChargenService.PORT);
        int lines = lines(call);
        if (call.has("udp")) {
            try {
                call.out().println(datagram(target, call));
            } catch (IOException e) {
                throw ClientException.explain(e, target);
            }
            return 0;
        }
        return TcpClient.exchange(target, call.timeout(), (socket, to) -> {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < lines; i++) {
                String line = SocketIo.readLine(in, 1024);
                if (line == null) {
                    throw new ClientException(target + " closed the connection after " + i + " lines");
                }
                call.out().println(line);
            }
            return 0;
        });
    }

    private static int lines(ClientInvocation call) {
        String value = call.value("lines").orElse("5");
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= 100_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the usage error
        }
        throw new UsageException("--lines must be a number from 1 to 100000, not '" + value + "'");
    }

    private static String datagram(HostPort target, ClientInvocation call) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout((int) Math.clamp(call.timeout().toMillis(), 1, Integer.MAX_VALUE));
            socket.send(new DatagramPacket(new byte[0], 0, target.resolve()));
            DatagramPacket reply = new DatagramPacket(new byte[ChargenService.MAX_DATAGRAM + 1], ChargenService.MAX_DATAGRAM + 1);
            socket.receive(reply);
            return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
        }
    }
}
