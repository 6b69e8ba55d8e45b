package dev.netsvc.http;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.Counters;
import dev.netsvc.core.Endpoint;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;

import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The {@code http} service: HTTP/1.1 static files from {@code http.root}, GET and HEAD, on raw sockets.
 * The protocol ({@link RequestParser}, {@link HttpConnection}, {@link FileServer}) does not know how
 * bytes move; a transport runs it.
 */
@Extension
public final class HttpService implements NetService {

    /** The logger of the access log, so operators can route or silence it on its own. */
    static final String ACCESS_LOGGER = "http.access";

    @Override
    public String id() {
        return "http";
    }

    @Override
    public String description() {
        return "HTTP/1.1 static files (GET, HEAD) on raw sockets";
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.TCP);
    }

    @Override
    public int defaultPort() {
        return 8080;
    }

    @Override
    public List<ConfigKey<?>> configKeys() {
        return HttpSettings.KEYS;
    }

    @Override
    public RunningService start(ServiceContext started) throws IOException {
        // under TLS, ALPN tells clients that would rather speak h2 that this server speaks HTTP/1.1
        ServiceContext context = started.withApplicationProtocols("http/1.1");
        HttpSettings settings = HttpSettings.of(context);
        if (!Files.isDirectory(settings.root())) {
            String key = id() + "." + HttpSettings.ROOT.name();
            throw new ConfigException(key, key + ": " + settings.root() + " is not a directory; set it to the folder of files to serve");
        }
        // refused now rather than answering every request with 403: the folder must be listable (r) and
        // enterable (x) by the user netsvc runs as
        if (!Files.isReadable(settings.root()) || !Files.isExecutable(settings.root())) {
            String key = id() + "." + HttpSettings.ROOT.name();
            throw new ConfigException(key, key + ": cannot read " + settings.root() + ": permission denied for the user"
                    + " netsvc runs as (" + System.getProperty("user.name") + "); the folder needs r and x permission");
        }
        DocumentRoot root = new DocumentRoot(settings.root(), settings.fileCacheSize(), settings.fileCacheMaxFile(),
                context.clock());
        DateCache dates = new DateCache(context.clock());
        AccessLog accessLog = accessLog(context, settings);
        FileServer files = new FileServer(root, dates, accessLog, settings.sendfileThreshold(), context.counters());
        try {
            RunningService transport;
            if (settings.io().equals("blocking")) {
                transport = BlockingTransport.start(context, settings, files);
            } else {
                SelectorTransport tcp = SelectorTransport.start(context, settings, files);
                transport = RunningService.of(List.of(tcp.endpoint()), tcp::stopAccepting, tcp::stop);
            }
            Server server = new Server(transport, accessLog, files);
            context.log().info("http serves {} ({} transport)", root.root(), settings.io());
            return server;
        } catch (IOException | RuntimeException e) {
            accessLog.close();
            throw e;
        }
    }

    /** The access log of one start: off, to its file, or to the logger (when that logs at info). */
    private AccessLog accessLog(ServiceContext context, HttpSettings settings) {
        if (!settings.accessLog()) {
            return AccessLog.off();
        }
        AccessLog.Sink sink;
        if (settings.accessLogFile().isEmpty()) {
            return accessLogToLogger(context, settings);
        } else {
            Path file = context.resolve(Path.of(settings.accessLogFile()));
            try {
                sink = AccessLogFile.open(file, context.log());
            } catch (IOException e) {
                String key = id() + "." + HttpSettings.ACCESS_LOG_FILE.name();
                if (settings.accessLogFile().equals(HttpSettings.DEFAULT_ACCESS_LOG_FILE)) {
                    // the default place, in an installation that is read-only: the logger will do
                    context.log().warn("cannot open the access log {} ({}); logging to the logger {} instead; set {} to a writable file",
                            file, e.getMessage(), ACCESS_LOGGER, key);
                    return accessLogToLogger(context, settings);
                }
                throw new ConfigException(key, key + ": cannot open " + file + " for appending (" + e.getMessage()
                        + "); set it to a writable file, or leave it empty to log through the logger " + ACCESS_LOGGER);
            }
        }
        return start(context, settings, sink);
    }

    /** Lines to the logger {@code http.access}: one logger call (with the binding's own flush) per line. */
    private static AccessLog accessLogToLogger(ServiceContext context, HttpSettings settings) {
        Logger logger = LoggerFactory.getLogger(ACCESS_LOGGER);
        return logger.isInfoEnabled() ? start(context, settings, new AccessLog.LoggerSink(logger)) : AccessLog.off();
    }

    private static AccessLog start(ServiceContext context, HttpSettings settings, AccessLog.Sink sink) {
        return AccessLog.start(context.serviceId() + "-access-log", context.clock(),
                new AccessLogFormat(settings.accessLogFormat(), context.clock().getZone()), sink,
                context.counters().counter(Counters.HTTP_ACCESS_LOG_DROPPED), context.log());
    }

    /**
     * A running transport and its access log, stopped together: the access log last, so
     * the responses cut by the stop are logged too.
     */
    private record Server(RunningService transport, AccessLog accessLog, FileServer files) implements RunningService {
        @Override
        public List<Endpoint> endpoints() {
            return transport.endpoints();
        }

        /**
         * A newer copy takes the new connections: keep-alive clients are told {@code Connection: close} from
         * now on, so they come back to it between requests.
         */
        @Override
        public void stopAccepting() {
            transport.stopAccepting();
            files.drain();
        }

        @Override
        public void stop(Duration grace) {
            files.drain();
            try {
                transport.stop(grace);
            } finally {
                accessLog.close();
            }
        }

        /** From now on every response says {@code Connection: close}: keep-alive clients go elsewhere. */
        @Override
        public void drain() {
            files.drain();
        }

        /** Reopens the access log file (after logrotate moved it; the supervisor calls this on SIGHUP). */
        @Override
        public void reopenLogs() {
            accessLog.reopen();
        }
    }
}
