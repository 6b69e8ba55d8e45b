package dev.netsvc.qotd;

import dev.netsvc.core.Transport;
import dev.netsvc.core.reply.ReplyClient;

import org.pf4j.Extension;

/** {@code netsvc call qotd HOST[:PORT] [--tcp]}: the classic tutorial's UDP QOTD client, with timeout and retries. */
@Extension
public final class QotdClient extends ReplyClient {

    /** Other servers' quotes may be longer than RFC 865 asks; show them rather than fail. */
    private static final int MAX_READ = 64 * 1024;

    public QotdClient() {
        super("qotd", "ask for the quote of the day (RFC 865), over UDP unless --tcp", QotdService.PORT,
                Transport.UDP, MAX_READ);
    }
}
