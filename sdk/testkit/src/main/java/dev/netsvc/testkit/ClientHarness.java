package dev.netsvc.testkit;

import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.NetClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one {@link NetClient} inside a test, as {@code netsvc call} would, but without the launcher:
 * options are given by long name, output is captured, and exceptions reach the test as thrown.
 * <pre>{@code
 * ClientHarness qotd = ClientHarness.of(new QotdClient()).flag("tcp");
 * assertEquals(0, qotd.run("127.0.0.1:" + port));
 * assertTrue(qotd.out().endsWith("\n"));
 * }</pre>
 */
public final class ClientHarness {

    private final NetClient client;
    private final Map<String, List<String>> options = new LinkedHashMap<>();
    private Duration timeout = Duration.ofSeconds(5);
    private Clock clock = Clock.systemDefaultZone();
    private byte[] input = new byte[0];
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private ClientHarness(NetClient client) {
        this.client = client;
    }

    public static ClientHarness of(NetClient client) {
        return new ClientHarness(client);
    }

    /** A switch such as {@code --tcp}, by its long name. */
    public ClientHarness flag(String longName) {
        options.put(longName, List.of());
        return this;
    }

    /** An option with a value, by its long name; repeat for repeatable options. */
    public ClientHarness option(String longName, String value) {
        options.computeIfAbsent(longName, k -> new ArrayList<>()).add(value);
        return this;
    }

    public ClientHarness timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** The client's clock (its zone is the "local" zone the client sees). */
    public ClientHarness clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    public ClientHarness input(byte[] input) {
        this.input = input.clone();
        return this;
    }

    /** Runs the client with these positional arguments and returns its exit status. */
    public int run(String... arguments) throws Exception {
        Map<String, List<String>> frozen = new LinkedHashMap<>();
        options.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        ClientInvocation invocation = new ClientInvocation(List.of(arguments), frozen, timeout,
                new ByteArrayInputStream(input), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), clock);
        return client.run(invocation);
    }

    /** Everything printed to standard output so far. */
    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Everything printed to standard error so far. */
    public String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
