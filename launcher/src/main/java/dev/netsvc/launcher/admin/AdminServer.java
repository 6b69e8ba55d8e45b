package dev.netsvc.launcher.admin;

import dev.netsvc.core.Transport;
import dev.netsvc.core.internal.BindFailure;


import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The admin endpoint: read-only HTTP over the JDK's built-in server.
 *
 * <table>
 * <tr><th>path</th><th>answer</th></tr>
 * <tr><td>{@code /status}</td><td>{@link StatusJson} of the host</td></tr>
 * <tr><td>{@code /metrics}</td><td>Prometheus text format 0.0.4: {@link ServiceMetrics} and the JVM's metrics</td></tr>
 * <tr><td>{@code /healthz}</td><td>200 {@code ok} when every enabled service runs, else 503 naming those that do not</td></tr>
 * <tr><td>{@code /readyz}</td><td>as {@code /healthz}, and 503 while the host drains before its stop: a load
 * balancer's health check, Kubernetes' readiness probe</td></tr>
 * <tr><td>{@code /livez}</td><td>200 while the supervisor's loop goes round, a service in backoff or not:
 * Kubernetes' liveness probe (503 restarts a wedged host, never one waiting out a backoff)</td></tr>
 * <tr><td>{@code /}</td><td>{@link StatusPage}, for a browser</td></tr>
 * </table>
 *
 * <p>Only GET and HEAD (405 otherwise); any other path is 404. Requests run on {@value #THREADS} threads with
 * a queue of {@value #QUEUE}: a burst beyond that is closed by the server rather than buffered, so a
 * misbehaving scraper cannot grow the host's memory or thread count; at most 64 connections are open,
 * and a request that has not arrived whole within {@value #REQUEST_SECONDS} s is cut off. Everything is
 * read from the {@link HostView} at request time.
 */
public final class AdminServer implements AutoCloseable {

    static final int THREADS = 2;
    static final int QUEUE = 32;
    private static final int BACKLOG = 16;

    private static final Logger log = LoggerFactory.getLogger("netsvc");
    private static final String TEXT = "text/plain; charset=utf-8";

    /** A request must arrive whole within this time, or its connection is closed. */
    static final int REQUEST_SECONDS = 5;

    static {
        // The JDK's server reads a request's headers on a request thread, blocking: without a deadline two
        // clients that stop half-way through a request would hold both threads for good. Its limits are
        // process-wide properties, read once; nothing else in netsvc uses this server. An operator's own
        // -D settings win.
        setIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        setIfAbsent("sun.net.httpserver.maxRspTime", "30");
        setIfAbsent("jdk.httpserver.maxConnections", "64");
    }

    private final HostView view;
    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter metricsFormat = PrometheusTextFormatWriter.create();
    private final Clock clock;
    private boolean jvmMetricsRegistered;

    private AdminServer(HostView view, HttpServer server, ThreadPoolExecutor executor, Clock clock) {
        this.view = view;
        this.server = server;
        this.executor = executor;
        this.clock = clock;
        registry.register(new ServiceMetrics(view));
    }

    /**
     * Binds {@code address} (port 0: any free port) and starts serving {@code view}.
     *
     * @throws IOException when the address cannot be bound: a {@link BindFailure} naming the address,
     *                     which {@link dev.netsvc.core.net.SocketErrors#explain} puts in plain words
     */
    public static AdminServer start(HostView view, InetSocketAddress address) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(address, BACKLOG);
        } catch (BindException e) {
            throw new BindFailure(Transport.TCP, address, e); // names the port: SocketErrors explains it
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUE),
                r -> Thread.ofPlatform().daemon(true).name("netsvc-admin-" + n.incrementAndGet()).unstarted(r),
                new ThreadPoolExecutor.AbortPolicy());
        AdminServer admin = new AdminServer(view, server, executor, Clock.systemUTC());
        server.setExecutor(executor);
        server.createContext("/", admin::handle);
        server.start();
        return admin;
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** The bound address: the real port when port 0 was asked for. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Request threads at work now (tests). */
    int busyThreads() {
        return executor.getActiveCount();
    }

    /** Stops listening and ends the request threads; requests in progress get up to a second. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (RuntimeException | LinkageError e) {
            // a view that throws: say so to the client and the log, and keep serving
            log.warn("admin endpoint: {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
            if (exchange.getResponseCode() == -1) {
                send(exchange, 500, TEXT, "internal error: " + e + "\n");
            }
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            send(exchange, 405, TEXT, "method " + method + " is not allowed: the admin endpoint is read-only\n");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        switch (path) {
            case "/" -> send(exchange, 200, "text/html; charset=utf-8", StatusPage.render(view, clock.instant()));
            case "/status" -> send(exchange, 200, "application/json", StatusJson.of(view) + "\n");
            case "/healthz" -> send(exchange, Health.of(view));
            case "/readyz" -> send(exchange, Health.ready(view));
            case "/livez" -> {
                boolean alive = view.alive(); // once: the status and the text must agree
                send(exchange, alive ? 200 : 503, TEXT, alive ? "ok\n"
                        : "the supervisor's loop has not gone round for " + HostView.LOOP_STALLED.toSeconds() + " s: the host is wedged\n");
            }
            case "/metrics" -> metrics(exchange);
            default -> send(exchange, 404, TEXT, "no such page: " + path + " (try /, /status, /metrics, /healthz, /readyz, /livez)\n");
        }
    }

    private void metrics(HttpExchange exchange) throws IOException {
        registerJvmMetrics();
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        metricsFormat.write(body, registry.scrape());
        send(exchange, 200, PrometheusTextFormatWriter.CONTENT_TYPE, body.toByteArray());
    }

    /**
     * The JVM's and the process's metrics, registered at the first scrape: registering them costs a good
     * part of a second of class loading and management beans, which the start of {@code netsvc run} should
     * not wait for. Native-memory metrics are left out: they are empty unless the JVM runs with
     * -XX:NativeMemoryTracking, and they run a diagnostic command at every scrape.
     */
    private synchronized void registerJvmMetrics() {
        if (jvmMetricsRegistered) {
            return;
        }
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryPoolAllocationMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
        jvmMetricsRegistered = true;
    }

    /** {@code /healthz} and {@code /readyz}: 200 with {@code ok}, or 503 with what is wrong, a line each. */
    private static void send(HttpExchange exchange, Health health) throws IOException {
        send(exchange, health.healthy() ? 200 : 503, TEXT, health.text());
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", type);
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        // the status page is self-contained: no script, no fetch, only its own inline style
        headers.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
        if (exchange.getRequestMethod().equals("HEAD")) {
            headers.set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
