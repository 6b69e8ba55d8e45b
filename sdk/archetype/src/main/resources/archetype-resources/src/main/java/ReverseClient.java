package ${package};

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.NetClient;
import dev.netsvc.core.net.HostPort;
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
        HostPort target = call.target(0, ReverseService.DEFAULT_PORT); // HOST[:PORT]; a bad one: exit 2, with the usage line
        String text = call.argument(1, "TEXT");
        // connects, talks, closes; a failure is explained in plain words with the address and a hint:
        // "connection refused by 127.0.0.1:7700: nothing is listening on that port"
        String answer = TcpClient.exchange(target, call.timeout(), socket -> {
            socket.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            return SocketIo.readLine(new BufferedInputStream(socket.getInputStream()), 65_536);
        });
        if (answer == null) {
            throw new ClientException(target + " closed the connection without answering");
        }
        call.out().println(new String(answer.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        return 0;
    }
}
// end::client[]
