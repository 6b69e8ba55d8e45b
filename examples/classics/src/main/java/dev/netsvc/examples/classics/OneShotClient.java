package dev.netsvc.examples.classics;

import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.NetClient;
import dev.netsvc.core.net.SocketIo;
import dev.netsvc.core.net.TcpClient;

import org.pf4j.Extension;

import java.nio.charset.StandardCharsets;

/** {@code netsvc call oneshot HOST[:PORT] [MESSAGE]}: sends one message and prints the one answer. */
@Extension
public final class OneShotClient implements NetClient {

    @Override
    public String name() {
        return "oneshot";
    }

    @Override
    public String description() {
        return "send one message to the one-shot server and print its answer";
    }

    @Override
    public String usage() {
        return "HOST[:PORT] [MESSAGE]";
    }

    @Override
    public int run(ClientInvocation call) {
        call.atMostArguments(2);
        String message = call.arguments().size() > 1 ? call.arguments().get(1) : "I am client.";
        byte[] answer = TcpClient.exchange(call, OneShotService.PORT, (socket, target) -> {
            socket.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
            return SocketIo.readAll(socket.getInputStream(), 4096);
        });
        call.out().println(new String(answer, StandardCharsets.UTF_8));
        return 0;
    }
}
