package dev.netsvc.time;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.reply.ReplyService;

import org.pf4j.Extension;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * RFC 867 daytime over TCP and UDP: one human-readable line with weekday, date, time, year and zone,
 * ending CRLF, in the style of the RFC's own example: {@code Tuesday, February 22, 1982 17:37:43 PST}.
 */
@Extension
public final class DaytimeService extends ReplyService {

    /** The default port, for the service and its client (13 is the classic one, and needs root). */
    static final int PORT = 1313;

    static final ConfigKey<ZoneId> ZONE = ConfigKey.zone("zone", "UTC",
            "time zone of the answer, e.g. UTC, Europe/Paris, +02:00");

    static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("EEEE, MMMM d, uuuu HH:mm:ss zzz", Locale.US);

    /** Longest weekday and month with a generous zone name, well inside one datagram. */
    private static final int MAX_REPLY = 128;

    public DaytimeService() {
        super("daytime", "RFC 867 daytime (one human-readable line)", PORT, MAX_REPLY);
    }

    @Override
    protected List<ConfigKey<?>> serviceKeys() {
        return List.of(ZONE);
    }

    @Override
    protected Supplier<byte[]> open(ServiceContext context) {
        Clock clock = context.clock().withZone(context.get(ZONE));
        // the first format loads the time zone names: seconds on a loaded machine, which the first
        // client would otherwise wait for, past the connection's idle timeout (it then got nothing)
        line(ZonedDateTime.now(clock));
        return () -> line(ZonedDateTime.now(clock));
    }

    static byte[] line(ZonedDateTime now) {
        return (FORMAT.format(now) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
