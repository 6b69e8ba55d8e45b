package dev.netsvc.time;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.Transport;
import dev.netsvc.core.reply.ReplyClient;

import org.pf4j.Extension;

/** {@code netsvc call daytime HOST[:PORT] [--udp]}: prints the server's date and time line. */
@Extension
public final class DaytimeClient extends ReplyClient {

    /** A daytime line is short; anything longer is not a daytime server. */
    private static final int MAX_READ = 4096;

    @Override
    public String name() {
        return "daytime";
    }

    @Override
    public String description() {
        return "ask for the date and time as text (RFC 867), over TCP unless --udp";
    }

    @Override
    protected int defaultPort() {
        return DaytimeService.PORT;
    }

    @Override
    protected Transport defaultTransport() {
        return Transport.TCP;
    }

    @Override
    protected int maxReply() {
        return MAX_READ;
    }

    @Override
    protected void show(Answer answer, ClientInvocation invocation) {
        if (answer.bytes().length == 0) {
            throw new ClientException(answer.from() + " answered with nothing; is it a daytime server?");
        }
        invocation.out().print(printable(answer.bytes()));
    }
}
