package ${package};

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.NetClient;
import dev.netsvc.core.UsageException;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketErrors;
import dev.netsvc.core.net.SocketIo;

import org.pf4j.Extension;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.Socket;
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
    public int run(ClientInvocation call) throws Exception {
        call.atMostArguments(2);
        HostPort target;
        try {
            target = HostPort.parse(call.argument(0, "HOST[:PORT]"), ReverseService.DEFAULT_PORT);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage()); // exit 2, with the usage line
        }
        String text = call.argument(1, "TEXT");
        int timeout = (int) Math.min(Integer.MAX_VALUE, call.timeout().toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(target.resolve(), timeout);
            socket.setSoTimeout(timeout);
            socket.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            String answer = SocketIo.readLine(new BufferedInputStream(socket.getInputStream()), 65_536);
            if (answer == null) {
                throw new ClientException(target + " closed the connection without answering");
            }
            call.out().println(new String(answer.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        } catch (IOException e) {
            // "connection refused by 127.0.0.1:7700: nothing is listening on that port", with a hint
            throw new ClientException(SocketErrors.explain(e, target.toString()).toString(), e);
        }
        return 0;
    }
}
// end::client[]
