package dev.netsvc.launcher;

import dev.netsvc.core.net.HostPort;
import dev.netsvc.core.net.SocketErrors;

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
            return Main.OK;
        }
        if (cl.getArgList().size() != 1) {
            throw new dev.netsvc.core.UsageException(cl.getArgList().isEmpty() ? "missing HOST" : "expected one HOST");
        }
        String host = cl.getArgList().get(0);
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            launch.err().println("netsvc resolve: " + SocketErrors.explain(e, host));
            return Main.FAILURE;
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
            return Main.FAILURE;
        }
        return Main.OK;
    }
}
