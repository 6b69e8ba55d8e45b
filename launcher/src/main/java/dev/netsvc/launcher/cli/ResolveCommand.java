package dev.netsvc.launcher.cli;

import dev.netsvc.core.UsageException;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.launcher.control.ExitStatus;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** {@code netsvc resolve HOST}: every IPv4 and IPv6 address of a name, as the resolver orders them. */
final class ResolveCommand implements Main.Command {

    private static final Option V4 = Option.builder("4").longOpt("ipv4").desc("IPv4 addresses only").get();
    private static final Option V6 = Option.builder("6").longOpt("ipv6").desc("IPv6 addresses only").get();

    private final Main.Launch launch;

    ResolveCommand(Main.Launch launch) {
        this.launch = launch;
    }

    @Override
    public int run(List<String> args) {
        Options options = new Options().addOption(V4).addOption(V6).addOption(Cli.HELP);
        CommandLine cl = Cli.parse(options, args);
        if (cl.hasOption(Cli.HELP)) {
            launch.out().print(Cli.help("netsvc resolve [-4|-6] HOST",
                    "Prints each address of HOST on its own line: the address, then IPv4 or IPv6.", options));
            return ExitStatus.OK;
        }
        if (cl.getArgList().size() != 1) {
            throw new UsageException(cl.getArgList().isEmpty() ? "missing HOST" : "expected one HOST");
        }
        if (cl.hasOption(V4) && cl.hasOption(V6)) {
            throw new UsageException("-4 and -6 exclude each other; give one of them, or neither for both families");
        }
        String host = hostOnly(cl.getArgList().get(0));
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            // not SocketErrors' hint, which tells you to run the command you just ran
            launch.err().println("netsvc resolve: host '" + host + "' was not found\n  hint: check the spelling; the"
                    + " resolver (the DNS servers in /etc/resolv.conf, the names in /etc/hosts) knows no such name");
            return ExitStatus.FAILURE;
        }
        int shown = 0;
        for (InetAddress address : addresses) {
            boolean v4 = address instanceof Inet4Address;
            if ((cl.hasOption(V4) && !v4) || (cl.hasOption(V6) && !(address instanceof Inet6Address))) {
                continue;
            }
            launch.out().println(HostPort.formatAddress(address, false) + " " + (v4 ? "IPv4" : "IPv6"));
            shown++;
        }
        if (shown == 0) {
            launch.err().println("netsvc resolve: " + host + " has no " + (cl.hasOption(V4) ? "IPv4" : "IPv6") + " address");
            return ExitStatus.FAILURE;
        }
        return ExitStatus.OK;
    }

    /**
     * The host name to look up. An empty name would resolve to the loopback address (the JDK's reading
     * of ""), and HOST:PORT would be looked up as a name with a colon; both are usage errors instead.
     */
    static String hostOnly(String given) {
        HostPort parsed;
        try {
            parsed = HostPort.parse(given, 0);
        } catch (IllegalArgumentException e) {
            throw new UsageException("'" + given + "' is not a host name; expected a name such as localhost, or an address");
        }
        String plain = given.strip();
        if (!plain.equals(parsed.host()) && !plain.equals("[" + parsed.host() + "]")) {
            throw new UsageException("'" + given + "' has a port; resolve takes a host alone: netsvc resolve " + parsed.host());
        }
        return parsed.host();
    }
}
