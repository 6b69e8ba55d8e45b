package dev.netsvc.examples.classics;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.NetClient;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketIo;
import dev.netsvc.core.net.TcpClient;

import org.pf4j.Extension;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code netsvc call greeting HOST[:PORT] NAME...}: prints the welcome and one greeting per name, then sends exit. */
@Extension
public final class GreetingClient implements NetClient {

    @Override
    public String name() {
        return "greeting";
    }

    @Override
    public String description() {
        return "be welcomed and greeted by the tutorial server";
    }

    @Override
    public String usage() {
        return "HOST[:PORT] NAME...";
    }

    @Override
    public int run(ClientInvocation call) {
        call.argument(0, "HOST[:PORT]");
        call.argument(1, "NAME");
        List<String> names = call.arguments().subList(1, call.arguments().size());
        return TcpClient.exchange(call, GreetingService.PORT, (socket, target) -> {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            call.out().println(answer(in, target));
            for (String name : names) {
                out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
                call.out().println(answer(in, target));
            }
            out.write("exit\n".getBytes(StandardCharsets.US_ASCII));
            if (in.read() >= 0) {
                throw new ClientException(target + " did not close after exit: is it the greeting server?");
            }
            return 0;
        });
    }

    private static String answer(InputStream in, HostPort target) throws IOException {
        String line = SocketIo.readLine(in, 4096);
        if (line == null) {
            throw new ClientException(target + " closed the connection early");
        }
        return new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
