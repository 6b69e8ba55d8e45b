package dev.netsvc.echo.selector;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.ClientOption;
import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.NetClient;
import dev.netsvc.core.UsageException;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.tls.TlsClient;
import dev.netsvc.core.net.SocketErrors;

import org.pf4j.Extension;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code netsvc bench echo HOST:PORT --connections N --messages M --size BYTES}: loads an echo server
 * with N connections, each with one message in flight, shows a live progress line on standard error
 * when it is a terminal, and ends with messages/s, MB/s and latency percentiles on standard output; a run
 * that stops early (the server went away) still reports what it measured, marked "stopped: early".
 */
@Extension
public final class EchoBenchClient implements NetClient {

    private static final ConfigKey<Integer> CONNECTIONS = ConfigKey.integer("connections", 1, 1, 100_000, "");
    private static final ConfigKey<Integer> MESSAGES = ConfigKey.integer("messages", 10_000, 1, Integer.MAX_VALUE, "");
    private static final ConfigKey<Integer> SIZE = ConfigKey.size("size", "64", 1, 64 << 20, "");
    private static final ConfigKey<Duration> DURATION = ConfigKey.duration("duration", "10s", Duration.ofMillis(100),
            Duration.ofHours(24), "");
    private static final ConfigKey<Duration> WARMUP = ConfigKey.duration("warmup", "0s", Duration.ZERO,
            Duration.ofHours(1), "");

    @Override
    public Command command() {
        return Command.BENCH;
    }

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public String description() {
        return "load an echo server: N connections, one message in flight on each; rate, throughput, latency";
    }

    @Override
    public String usage() {
        return "HOST:PORT [--connections N] [--messages M | --duration D] [--size BYTES] [--warmup D] [--tls ...]";
    }

    @Override
    public List<ClientOption> options() {
        List<ClientOption> options = new java.util.ArrayList<>(List.of(
                ClientOption.value("connections", "c", "N", "connections, each with one message in flight (default 1)"),
                ClientOption.value("messages", "n", "M", "messages in total over all connections (default 10000)"),
                ClientOption.value("duration", "d", "DURATION", "send for this long instead of a message count, e.g. 10s"),
                ClientOption.value("size", "s", "BYTES", "message size, e.g. 64, 16k, 1m (default 64)"),
                ClientOption.value("warmup", "w", "DURATION", "load for this long first without measuring (default 0s)")));
        options.addAll(TlsClient.OPTIONS); // --tls: a TLS socket per connection, handshakes before the measured part
        return List.copyOf(options);
    }

    @Override
    public int run(ClientInvocation call) throws Exception {
        LoadPlan plan = plan(call);
        PrintStream err = call.err();
        boolean live = call.errIsTerminal(); // in a file or pipe, a line redrawn with \r is only noise
        LoadGenerator.Progress shown = (messages, bytes, seconds, warmingUp) -> {
            if (live) {
                err.print(progressLine(messages, bytes, seconds, warmingUp));
            }
        };
        LoadGenerator.Result result;
        try {
            if (TlsClient.requested(call)) {
                HostPort hostPort = HostPort.parse(call.argument(0, "HOST:PORT"), 0);
                result = new TlsLoadGenerator(plan, hostPort, TlsClient.context(call),
                        !call.has(TlsClient.INSECURE.longName()), shown).run();
            } else {
                result = new LoadGenerator(plan, shown).run();
            }
        } catch (LoadGenerator.Stopped e) {
            wipe(live, err);
            if (e.partial() != null) { // what was measured is still worth seeing, marked as such
                call.out().print(partialReport(plan, e.partial()));
            }
            throw new ClientException(e.getMessage(), e);
        } catch (IOException e) {
            wipe(live, err);
            throw new ClientException(SocketErrors.explain(e, HostPort.format(plan.target())).toString(), e);
        }
        wipe(live, err);
        call.out().print(report(plan, result));
        return 0;
    }

    private static void wipe(boolean live, PrintStream err) {
        if (live) {
            err.print("\r" + " ".repeat(PROGRESS_WIDTH) + "\r");
        }
        err.flush();
    }

    static LoadPlan plan(ClientInvocation call) {
        call.atMostArguments(1);
        InetSocketAddress target;
        try {
            HostPort hostPort = HostPort.parse(call.argument(0, "HOST:PORT"), 0);
            if (hostPort.port() == 0) {
                throw new UsageException("give the server's port, as in localhost:7008");
            }
            target = hostPort.resolve();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        } catch (java.net.UnknownHostException e) {
            throw new ClientException(SocketErrors.explain(e, null).toString(), e);
        }
        if (call.has("messages") && call.has("duration")) {
            throw new UsageException("give --messages or --duration, not both");
        }
        Duration duration = call.has("duration") ? option(call, DURATION) : null;
        return new LoadPlan(target, option(call, CONNECTIONS), option(call, MESSAGES), duration, option(call, SIZE),
                option(call, WARMUP), call.timeout());
    }

    private static <T> T option(ClientInvocation call, ConfigKey<T> key) {
        String text = call.value(key.name()).orElse(key.defaultText());
        try {
            return key.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + key.name() + ": " + e.getMessage());
        }
    }

    private static final int PROGRESS_WIDTH = 72;

    /** One line, rewritten in place ({@code \r}) and padded so a shorter line covers a longer one. */
    static String progressLine(long messages, long bytes, double seconds, boolean warmingUp) {
        double s = Math.max(seconds, 1e-9);
        String line = warmingUp
                ? String.format(Locale.ROOT, "warming up %.0f s", seconds)
                : String.format(Locale.ROOT, "%6.1f s  %,d messages  %,.0f msg/s  %,.1f MB/s", seconds, messages,
                        messages / s, bytes / s / 1e6);
        return "\r" + line + " ".repeat(Math.max(0, PROGRESS_WIDTH - line.length()));
    }

    /** The summary: one "name: value" line each, easy to read and to parse. */
    static String report(LoadPlan plan, LoadGenerator.Result r) {
        LatencyHistogram h = r.latency();
        double s = r.seconds();
        return String.format(Locale.ROOT, """
                target:      %s
                connections: %d
                size:        %d bytes
                messages:    %d in %.3f s
                messages/s:  %.0f
                MB/s:        %.2f
                MiB/s:       %.2f
                latency:     p50 %s  p99 %s  p99.9 %s  max %s
                client cpu:  %.2f cores
                """, HostPort.format(plan.target()), plan.connections(), plan.size(), r.messages(), s,
                r.messages() / s, r.bytes() / s / 1e6, r.bytes() / s / (1 << 20),
                millis(h.percentile(0.50)), millis(h.percentile(0.99)), millis(h.percentile(0.999)), millis(h.max()),
                r.cpuCores());
    }

    /** The report of a run that ended early, after {@link #report}'s first line, so no one takes it for a full run. */
    static String partialReport(LoadPlan plan, LoadGenerator.Result r) {
        return String.format(Locale.ROOT, "stopped:     early, after %.3f s measured (the error follows)%n", r.seconds())
                + report(plan, r);
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }
}
