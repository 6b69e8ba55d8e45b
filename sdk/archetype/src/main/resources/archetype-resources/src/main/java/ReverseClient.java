package ${package};

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.NetClient;
import dev.netsvc.core.net.SocketIo;
import dev.netsvc.core.net.TcpClient;

import org.pf4j.Extension;

import java.io.BufferedInputStream;
import java.nio.charset.StandardCharsets;

/** {@code netsvc call ${serviceId} HOST[:PORT] TEXT}: sends TEXT as one line and prints the answer. */
// tag::client[]
@Extension
public final class ReverseClient implements NetClient {

    @Override
    public String name() {
        return "${serviceId}"; // netsvc call ${serviceId} ...
    }

    @Override
    public String description() {
        return "send a line to the ${serviceId} service and print its answer";
    }

    @Override
    public String usage() {
        return "HOST[:PORT] TEXT";
    }

    @Override
    public int run(ClientInvocation call) {
        call.atMostArguments(2);
        String text = call.argument(1, "TEXT");
        // the first argument is HOST[:PORT] (a bad one: exit 2, with the usage line); this connects within
        // --timeout, talks, closes, and explains a failure in plain words with the address and a hint:
        // "connection refused by 127.0.0.1:7700: nothing is listening on that port"
        String answer = TcpClient.exchange(call, ReverseService.DEFAULT_PORT, (socket, target) -> {
            socket.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            String line = SocketIo.readLine(new BufferedInputStream(socket.getInputStream()), 65_536);
            if (line == null) {
                throw new ClientException(target + " closed the connection without answering");
            }
            return line;
        });
        call.out().println(new String(answer.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        return 0;
    }
}
// end::client[]
