package dev.netsvc.http;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.net.TcpKeys;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code http.*} keys, and their validated values for one start. Every limit has a key, a default
 * and one outcome (docs/operators/http.md has the table).
 */
record HttpSettings(Path root, String io, int loops, int maxConnections, Duration idleTimeout,
                    Duration requestTimeout, RequestParser.Limits limits, int fileCacheSize, int fileCacheMaxFile,
                    boolean accessLog, AccessLogFormat.Kind accessLogFormat, String accessLogFile, int sendfileThreshold) {

    static final ConfigKey<Path> ROOT = ConfigKey.path("root", "www",
            "document root; a relative path is under the netsvc home").readsDirectory();
    static final ConfigKey<String> IO = ConfigKey.choice("io", "selector", List.of("selector", "blocking"),
            "selector: a few event loops (fastest); blocking: a virtual thread per connection");
    static final ConfigKey<Integer> LOOPS = ConfigKey.integer("loops", 0, 0, 1024,
            "event loops of the selector transport; 0 means one per core");
    static final ConfigKey<Integer> MAX_CONNECTIONS = TcpKeys.maxConnections(10_000);
    static final ConfigKey<Duration> IDLE_TIMEOUT = TcpKeys.idleTimeout("60s");
    static final ConfigKey<Duration> REQUEST_TIMEOUT = ConfigKey.duration("request-timeout", "10s",
            Duration.ofMillis(100), Duration.ofHours(1), "a request must be complete this long after its first byte, else 408 and close");
    static final ConfigKey<Integer> MAX_REQUEST_LINE = ConfigKey.size("max-request-line", "8k", 64, 1 << 20,
            "longest request line, else 414 and close");
    static final ConfigKey<Integer> MAX_HEADER_SIZE = ConfigKey.size("max-header-size", "16k", 256, 1 << 20,
            "most bytes of header fields in a request, else 431 and close");
    static final ConfigKey<Integer> MAX_HEADERS = ConfigKey.integer("max-headers", 100, 1, 10_000,
            "most header fields in a request, else 431 and close");
    static final ConfigKey<Integer> MAX_BODY_SIZE = ConfigKey.size("max-body-size", "1m", 0, 1 << 30,
            "largest request body (read and discarded), else 413 and close");
    static final ConfigKey<Integer> FILE_CACHE_SIZE = ConfigKey.size("file-cache-size", "64m", 0, 1 << 30,
            "memory for cached file metadata and contents; 0 turns the cache off");
    static final ConfigKey<Integer> FILE_CACHE_MAX_FILE = ConfigKey.size("file-cache-max-file", "256k", 0, 1 << 30,
            "files up to this size are kept in memory; larger ones are sent from disk");
    static final ConfigKey<Boolean> ACCESS_LOG = ConfigKey.bool("access-log", true,
            "one line per response, written when it is sent or cut, off the event loops");
    static final ConfigKey<String> ACCESS_LOG_FORMAT = ConfigKey.choice("access-log-format", "common",
            List.of("common", "combined"), "common: Common Log Format; combined: also referer and user agent; both end with the response time in seconds");
    static final String DEFAULT_ACCESS_LOG_FILE = "logs/http-access.log";
    static final ConfigKey<String> ACCESS_LOG_FILE = ConfigKey.string("access-log-file", DEFAULT_ACCESS_LOG_FILE,
            "file to append the access log to (relative to the netsvc home; reopened when logrotate moves it); empty: the logger http.access")
            .writesFile();
    static final ConfigKey<Integer> SENDFILE_THRESHOLD = ConfigKey.size("sendfile-threshold", "256k", 0, 1 << 30,
            "files larger than this are sent by the kernel (sendfile) instead of through memory");

    static final List<ConfigKey<?>> KEYS = List.of(ROOT, IO, LOOPS, MAX_CONNECTIONS, IDLE_TIMEOUT, REQUEST_TIMEOUT,
            MAX_REQUEST_LINE, MAX_HEADER_SIZE, MAX_HEADERS, MAX_BODY_SIZE, FILE_CACHE_SIZE, FILE_CACHE_MAX_FILE, SENDFILE_THRESHOLD,
            ACCESS_LOG, ACCESS_LOG_FORMAT, ACCESS_LOG_FILE);

    static HttpSettings of(ServiceContext context) {
        return new HttpSettings(
                context.resolve(context.get(ROOT)),
                context.get(IO),
                context.get(LOOPS),
                context.get(MAX_CONNECTIONS),
                context.get(IDLE_TIMEOUT),
                context.get(REQUEST_TIMEOUT),
                new RequestParser.Limits(context.get(MAX_REQUEST_LINE), context.get(MAX_HEADER_SIZE),
                        context.get(MAX_HEADERS), context.get(MAX_BODY_SIZE)),
                context.get(FILE_CACHE_SIZE),
                context.get(FILE_CACHE_MAX_FILE),
                context.get(ACCESS_LOG),
                context.get(ACCESS_LOG_FORMAT).equals("combined") ? AccessLogFormat.Kind.COMBINED : AccessLogFormat.Kind.COMMON,
                context.get(ACCESS_LOG_FILE).strip(),
                context.get(SENDFILE_THRESHOLD));
    }

    /** The largest input buffer a connection needs: one line at the longest limit, and its CRLF. */
    int maxInputBuffer() {
        return Math.max(limits.maxRequestLine(), limits.maxHeaderSize()) + 2;
    }
}
