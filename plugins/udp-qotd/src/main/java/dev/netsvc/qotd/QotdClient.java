package dev.netsvc.qotd;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.Transport;
import dev.netsvc.core.reply.ReplyClient;

import org.pf4j.Extension;

/** {@code netsvc call qotd HOST[:PORT] [--tcp]}: the seeds' UDP QOTD client, with timeout and retries. */
@Extension
public final class QotdClient extends ReplyClient {

    /** Other servers' quotes may be longer than RFC 865 asks; show them rather than fail. */
    private static final int MAX_READ = 64 * 1024;

    @Override
    public String name() {
        return "qotd";
    }

    @Override
    public String description() {
        return "ask for the quote of the day (RFC 865), over UDP unless --tcp";
    }

    @Override
    protected int defaultPort() {
        return QotdService.PORT;
    }

    @Override
    protected Transport defaultTransport() {
        return Transport.UDP;
    }

    @Override
    protected int maxReply() {
        return MAX_READ;
    }

    @Override
    protected void show(Answer answer, ClientInvocation invocation) {
        if (answer.bytes().length == 0) {
            throw new ClientException(answer.from() + " answered with nothing (an empty quote)");
        }
        invocation.out().print(printable(answer.bytes()));
    }
}
