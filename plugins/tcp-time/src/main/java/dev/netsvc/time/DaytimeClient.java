package dev.netsvc.time;

import dev.netsvc.core.Transport;
import dev.netsvc.core.reply.ReplyClient;

import org.pf4j.Extension;

/** {@code netsvc call daytime HOST[:PORT] [--udp]}: prints the server's date and time line. */
@Extension
public final class DaytimeClient extends ReplyClient {

    /** A daytime line is short; anything longer is not a daytime server. */
    private static final int MAX_READ = 4096;

    public DaytimeClient() {
        super("daytime", "ask for the date and time as text (RFC 867), over TCP unless --udp", DaytimeService.PORT,
                Transport.TCP, MAX_READ);
    }
}
