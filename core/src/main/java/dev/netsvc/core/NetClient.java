package dev.netsvc.core;

import org.pf4j.ExtensionPoint;

import java.util.List;

/**
 * A client a plugin contributes: {@code netsvc call NAME ...} or {@code netsvc bench NAME ...}. The
 * launcher knows no protocol; it finds clients by {@link #command()} and {@link #name()}, parses the
 * options the client declares (adding {@code --timeout} and {@code --help} to every one), and calls
 * {@link #run}. Mark the implementation with {@code @org.pf4j.Extension}.
 */
public interface NetClient extends ExtensionPoint {

    /** Which launcher command runs this client. */
    enum Command {
        CALL, BENCH;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    default Command command() {
        return Command.CALL;
    }

    /** The word after the command, such as {@code qotd} in {@code netsvc call qotd}. */
    String name();

    /** One line for help listings. */
    String description();

    /** The arguments after the name, for the usage line, e.g. {@code HOST[:PORT] [MESSAGE | -]}. */
    String usage();

    /** The options this client takes besides {@code --timeout} and {@code --help}. */
    default List<ClientOption> options() {
        return List.of();
    }

    /**
     * Runs the client and returns the exit status (0 for success). Throw {@link ClientException} for a
     * failure with a message for the user (exit 1), {@link UsageException} for bad arguments (exit 2);
     * an {@link java.io.IOException} is explained by the launcher through
     * {@link dev.netsvc.core.net.SocketErrors}.
     */
    int run(ClientInvocation invocation) throws Exception;
}
