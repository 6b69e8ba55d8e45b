package dev.netsvc.launcher.cli;

import dev.netsvc.core.access.AddressBlock;
import dev.netsvc.core.net.HostPort;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * xinetd's {@code only_from} and {@code no_access} entries as netsvc's address blocks. xinetd takes an
 * address whose last parts are 0 as a network ({@code 192.168.1.0} is 192.168.1.0/24, {@code 0.0.0.0} every
 * IPv4 address), CIDR blocks, {@code {a,b}} lists in the last part ({@code 10.0.{1,2}.0}) and host and
 * domain names; netsvc takes IP literals and blocks only, so names are not carried over.
 *
 * @param blocks    the entries netsvc can take, as it writes them
 * @param names     the entries it cannot (host names, {@code .domain} names)
 * @param everyone  whether an entry matches every address ({@code 0.0.0.0}, {@code 0.0.0.0/0}, {@code ::/0})
 */
record XinetdAddresses(List<String> blocks, List<String> names, boolean everyone) {

    static XinetdAddresses of(List<String> entries) {
        List<String> blocks = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean everyone = false;
        for (String entry : entries) {
            for (String one : expand(entry)) {
                String block = block(one);
                if (block == null) {
                    names.add(one);
                } else if (block.endsWith("/0")) {
                    everyone = true;
                } else {
                    blocks.add(block);
                }
            }
        }
        return new XinetdAddresses(List.copyOf(blocks), List.copyOf(names), everyone);
    }

    // 10.0.{1,2}.0 is 10.0.1.0 and 10.0.2.0
    private static List<String> expand(String entry) {
        int open = entry.indexOf('{');
        int close = entry.indexOf('}');
        if (open < 0 || close < open) {
            return List.of(entry);
        }
        List<String> out = new ArrayList<>();
        for (String part : entry.substring(open + 1, close).split(",")) {
            out.add(entry.substring(0, open) + part.strip() + entry.substring(close + 1));
        }
        return out;
    }

    /** The entry as netsvc writes a block, or null for a name. */
    static String block(String entry) {
        String text = entry.equalsIgnoreCase("localhost") ? "127.0.0.1" : entry;
        if (text.matches("[0-9]+(\\.[0-9]+){3}")) { // xinetd: trailing zero parts are a network
            String[] parts = text.split("\\.");
            int prefix = 32;
            while (prefix > 0 && parts[prefix / 8 - 1].equals("0")) {
                prefix -= 8;
            }
            text = text + "/" + prefix;
        }
        AddressBlock block;
        try {
            block = AddressBlock.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
        try {
            String ip = HostPort.formatAddress(InetAddress.getByAddress(block.network()), false);
            return block.prefix() == block.network().length * 8 ? ip : ip + "/" + block.prefix();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: 4 or 16 bytes
        }
    }
}
