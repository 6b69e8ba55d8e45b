package dev.netsvc.qotd;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.FileErrors;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.reply.ReplyService;

import org.pf4j.Extension;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * RFC 865 quote of the day, over UDP (one reply per datagram, content ignored) and TCP (the quote, then
 * close). The quotes come from a file checked at start-up; {@code qotd.mode} picks one per UTC day
 * (the same for everyone all day, walking through the file) or one per request.
 */
@Extension
public final class QotdService extends ReplyService {

    /** The default port, for the service and its client (17 is the classic one, and needs root). */
    static final int PORT = 1717;

    static final ConfigKey<Path> QUOTES = ConfigKey.path("quotes", "conf/quotes.txt",
            "quotes file: quotes separated by lines holding only %; relative to the installation").readsFile();
    static final ConfigKey<String> MODE = ConfigKey.choice("mode", "daily", List.of("daily", "random"),
            "daily: one quote per UTC day, the same for everyone; random: a quote per request");

    public QotdService() {
        super("qotd", "RFC 865 quote of the day", PORT, QuotesFile.MAX_QUOTE);
    }

    @Override
    protected List<ConfigKey<?>> serviceKeys() {
        return List.of(QUOTES, MODE);
    }

    @Override
    protected Supplier<byte[]> open(ServiceContext context) {
        Path file = context.resolve(context.get(QUOTES));
        List<byte[]> quotes = load(context.serviceId() + "." + QUOTES.name(), file);
        String mode = context.get(MODE);
        context.log().info("{} quotes from {}, mode {}", quotes.size(), file, mode);
        return mode.equals("daily") ? daily(quotes, context.clock()) : random(quotes);
    }

    static List<byte[]> load(String key, Path file) {
        try {
            return QuotesFile.read(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(key, key + ": quotes file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException(key, key + ": cannot read quotes file " + file + ": " + FileErrors.reason(e));
        } catch (QuotesFile.Problem e) {
            String where = e.line() > 0 ? file + " line " + e.line() : file.toString();
            throw new ConfigException(key, key + ": " + where + ": " + e.getMessage());
        }
    }

    /** Quote number (days since 1970-01-01 UTC) modulo the count: each quote once per cycle. */
    static Supplier<byte[]> daily(List<byte[]> quotes, Clock clock) {
        return () -> quotes.get((int) Math.floorMod(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toEpochDay(),
                quotes.size()));
    }

    static Supplier<byte[]> random(List<byte[]> quotes) {
        return () -> quotes.get(ThreadLocalRandom.current().nextInt(quotes.size()));
    }
}
