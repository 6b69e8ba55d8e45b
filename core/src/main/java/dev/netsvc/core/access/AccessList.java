package dev.netsvc.core.access;

import java.net.InetAddress;
import java.util.List;

/**
 * xinetd's {@code only_from} and {@code no_access}, with its rule that the more specific entry wins:
 * <ul>
 * <li>a source matched by neither list is allowed when {@code onlyFrom} is empty, refused otherwise;</li>
 * <li>matched by one list only, that list decides;</li>
 * <li>matched by both, the entry with the longer prefix decides ({@code only-from = 10.0.0.0/8} with
 *     {@code no-access = 10.1.0.0/16} refuses 10.1.2.3 and allows 10.2.0.1; the other way round allows
 *     only 10.1.0.0/16 inside a refused 10.0.0.0/8); on a tie refusal wins.</li>
 * </ul>
 * IPv4-mapped IPv6 sources are judged as the IPv4 address they map. Immutable.
 */
public record AccessList(List<AddressBlock> onlyFrom, List<AddressBlock> noAccess) {

    public static final AccessList ALLOW_ALL = new AccessList(List.of(), List.of());

    public AccessList {
        onlyFrom = List.copyOf(onlyFrom);
        noAccess = List.copyOf(noAccess);
    }

    public boolean allows(InetAddress source) {
        int allow = longestMatch(onlyFrom, source);
        int deny = longestMatch(noAccess, source);
        if (deny >= 0 && deny >= allow) {
            return false;
        }
        return allow >= 0 || onlyFrom.isEmpty();
    }

    /** Whether every source is allowed (no list set): the accept path can skip the check. */
    public boolean allowsAll() {
        return onlyFrom.isEmpty() && noAccess.isEmpty();
    }

    private static int longestMatch(List<AddressBlock> blocks, InetAddress source) {
        int best = -1;
        for (AddressBlock block : blocks) {
            if (block.prefix() > best && block.contains(source)) {
                best = block.prefix();
            }
        }
        return best;
    }
}
