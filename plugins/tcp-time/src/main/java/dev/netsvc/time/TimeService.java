package dev.netsvc.time;

import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.reply.ReplyService;

import org.pf4j.Extension;

import java.time.Clock;
import java.util.function.Supplier;

/** RFC 868 time over TCP and UDP: 4 bytes, seconds since 1900 modulo 2^32 (see {@link Rfc868}). */
// tag::service[]
@Extension
public final class TimeService extends ReplyService {

    /** The default port, for the service and its client (37 is the classic one, and needs root). */
    static final int PORT = 3737;

    public TimeService() {
        // id, description, default port, the largest reply
        super("time", "RFC 868 time (32-bit seconds since 1900, keeps working after 2036)", PORT, 4);
    }

    @Override
    protected Supplier<byte[]> open(ServiceContext context) { // once per start: read keys, load files
        Clock clock = context.clock();
        return () -> Rfc868.encode(clock.instant()); // once per request, on many threads
    }
}
// end::service[]
