package dev.netsvc.time;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.Transport;
import dev.netsvc.core.reply.ReplyClient;

import org.pf4j.Extension;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * {@code netsvc call time HOST[:PORT] [--udp]}: the classic tutorial's time client. Prints the server's time in UTC
 * and in the local zone, and how far the server's clock is from ours:
 * <pre>
 * UTC     2036-02-07 06:28:16
 * local   2036-02-07 07:28:16 CET (+01:00)
 * offset  +2 s: the server is ahead of this machine
 * </pre>
 */
@Extension
public final class TimeClient extends ReplyClient {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.US);
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss zzz (xxx)", Locale.US);

    public TimeClient() {
        super("time", "ask for the time (RFC 868) and show the offset from this machine's clock, over TCP unless --udp",
                TimeService.PORT, Transport.TCP, MAX_READ);
    }

    /** An answer is 4 bytes; reading a little more lets a wrong answer be described ("31 bytes of text"). */
    private static final int MAX_READ = 1024;

    @Override
    protected void show(Answer answer, ClientInvocation invocation) {
        if (answer.bytes().length != 4 || answer.cut()) {
            String guess = answer.bytes().length > 4 && isText(answer.bytes()) ? "is this a daytime port?"
                    : "is it a time server?";
            throw new ClientException(answer.from() + " sent " + answer.describe()
                    + "; an RFC 868 time is exactly 4 bytes: " + guess);
        }
        Instant ours = answer.midpoint();
        Instant theirs = Rfc868.decode(Rfc868.count(answer.bytes()), ours);
        ZoneId zone = invocation.clock().getZone();
        PrintStream out = invocation.out();
        out.println("UTC     " + UTC.format(theirs.atOffset(ZoneOffset.UTC)));
        out.println("local   " + LOCAL.format(ZonedDateTime.ofInstant(theirs, zone)));
        out.println("offset  " + offset(theirs, ours));
    }

    /**
     * The server's clock minus ours, in whole seconds. The server drops the fraction of its second, so
     * its clock is on average half a second past what it sent; within a second either way is in step.
     */
    static String offset(Instant theirs, Instant ours) {
        long millis = Duration.between(ours, theirs).toMillis() + 500;
        if (Math.abs(millis) < 1000) {
            return "0 s: in step with this machine (RFC 868 counts whole seconds)";
        }
        long seconds = Math.floorDiv(millis, 1000);
        String direction = seconds > 0 ? "ahead of" : "behind";
        return String.format(Locale.ROOT, "%+d s: the server is %s this machine", seconds, direction);
    }
}
