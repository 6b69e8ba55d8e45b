package dev.netsvc.http;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.Endpoint;
import dev.netsvc.core.NetService;
import dev.netsvc.core.RunningService;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.Transport;
import dev.netsvc.core.net.BlockingTcpServer;
import dev.netsvc.core.nio.NioTcpServer;

import org.pf4j.Extension;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

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
    public RunningService start(ServiceContext context) throws IOException {
        HttpSettings settings = HttpSettings.of(context);
        if (!Files.isDirectory(settings.root())) {
            String key = id() + "." + HttpSettings.ROOT.name();
            throw new ConfigException(key, key + ": " + settings.root() + " is not a directory; set it to the folder of files to serve");
        }
        DocumentRoot root = new DocumentRoot(settings.root(), settings.fileCacheSize(), settings.fileCacheMaxFile(),
                context.clock());
        DateCache dates = new DateCache(context.clock());
        AccessLog accessLog = new AccessLog(LoggerFactory.getLogger(ACCESS_LOGGER), settings.accessLog(), dates);
        FileServer files = new FileServer(root, dates, accessLog, context.counters());
        Duration shortest = settings.requestTimeout().compareTo(settings.idleTimeout()) < 0
                ? settings.requestTimeout() : settings.idleTimeout();
        Watchdog watchdog = new Watchdog(id() + "-watchdog", context.clock(), Watchdog.tickFor(shortest));
        try {
            Server server;
            if (settings.io().equals("blocking")) {
                BlockingTcpServer tcp = BlockingTransport.start(context, settings, files, watchdog);
                server = new Server(tcp.endpoint(), tcp::stop, watchdog, files);
            } else {
                NioTcpServer tcp = SelectorTransport.start(context, settings, files, watchdog);
                server = new Server(tcp.endpoint(), tcp::stop, watchdog, files);
            }
            context.log().info("http serves {} ({} transport)", root.root(), settings.io());
            return server;
        } catch (IOException | RuntimeException e) {
            watchdog.close();
            throw e;
        }
    }

    /** A running transport and its watchdog, stopped together. */
    private record Server(Endpoint endpoint, Consumer<Duration> stopper, Watchdog watchdog, FileServer files)
            implements RunningService {
        @Override
        public List<Endpoint> endpoints() {
            return List.of(endpoint);
        }

        @Override
        public void stop(Duration grace) {
            files.drain();
            try {
                stopper.accept(grace);
            } finally {
                watchdog.close();
            }
        }
    }
}
