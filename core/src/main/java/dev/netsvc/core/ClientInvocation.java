package dev.netsvc.core;

import dev.netsvc.core.net.HostPort;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run of a {@link NetClient}: the parsed command line and the streams to use. Clients print results
 * to {@link #out()}, progress and diagnostics to {@link #err()}, and never call {@code System.exit}.
 *
 * @param arguments the positional arguments after the client name
 * @param options   values by long option name; a flag maps to an empty list
 * @param timeout   the {@code --timeout} value (default 5s), for each network wait
 * @param errIsTerminal whether {@code err} is a terminal, where a progress line may redraw itself with
 *                  {@code \r}; in a file or a pipe, {@code \r} and padding are only noise
 */
public record ClientInvocation(List<String> arguments, Map<String, List<String>> options, Duration timeout,
                               InputStream in, PrintStream out, PrintStream err, Clock clock, boolean errIsTerminal) {

    public ClientInvocation {
        arguments = List.copyOf(arguments);
        options = Map.copyOf(options);
    }

    /** An invocation whose {@code err} is not a terminal (a test, a pipe, a file). */
    public ClientInvocation(List<String> arguments, Map<String, List<String>> options, Duration timeout,
                            InputStream in, PrintStream out, PrintStream err, Clock clock) {
        this(arguments, options, timeout, in, out, err, clock, false);
    }

    public boolean has(String longName) {
        return options.containsKey(longName);
    }

    /** The value of a single-valued option. */
    public Optional<String> value(String longName) {
        List<String> values = options.get(longName);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }

    /** Every value of a repeatable option, in order. */
    public List<String> values(String longName) {
        return options.getOrDefault(longName, List.of());
    }

    /** The {@code index}-th positional argument, or a {@link UsageException} naming {@code what}. */
    public String argument(int index, String what) {
        if (index >= arguments.size()) {
            throw new UsageException("missing " + what);
        }
        return arguments.get(index);
    }

    /**
     * The {@code index}-th positional argument as the {@code HOST[:PORT]} to talk to, {@code defaultPort}
     * when it names none; a malformed one, or port 0, is a {@link UsageException} (exit 2).
     */
    public HostPort target(int index, int defaultPort) {
        HostPort target;
        try {
            target = HostPort.parse(argument(index, "HOST[:PORT]"), defaultPort);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (target.port() == 0) {
            throw new UsageException("port 0 cannot be asked; expected 1..65535");
        }
        return target;
    }

    /** Fails with a {@link UsageException} if more than {@code max} positional arguments were given. */
    public void atMostArguments(int max) {
        if (arguments.size() > max) {
            throw new UsageException("unexpected argument '" + arguments.get(max) + "'");
        }
    }
}
