package dev.netsvc.core.access;

import dev.netsvc.core.Settings;

/**
 * One service's validated access rules: who may connect ({@link AccessList}), how many connections one
 * source may hold, and how fast one source may open them (or send datagrams).
 *
 * @param perSource concurrent TCP connections from one source; 0: no limit
 * @param rate      new connections (or datagrams) per second from one source; 0: no limit
 * @param rateBurst how many one source may open at once before {@code rate} applies (at least 1 when
 *                  rate is set)
 */
public record AccessPolicy(AccessList acl, int perSource, int rate, int rateBurst) {

    /** No restriction at all. */
    public static final AccessPolicy OPEN = new AccessPolicy(AccessList.ALLOW_ALL, 0, 0, 0);

    public AccessPolicy {
        if (perSource < 0 || rate < 0 || rateBurst < 0) {
            throw new IllegalArgumentException("access limits must not be negative");
        }
        if (rate > 0 && rateBurst == 0) {
            rateBurst = rate;
        }
    }

    /** The rules in {@code settings}; {@link #OPEN} when the settings do not carry the access keys. */
    public static AccessPolicy of(Settings settings) {
        if (!settings.declares(AccessKeys.ONLY_FROM)) {
            return OPEN;
        }
        return new AccessPolicy(new AccessList(settings.get(AccessKeys.ONLY_FROM), settings.get(AccessKeys.NO_ACCESS)),
                settings.get(AccessKeys.PER_SOURCE), settings.get(AccessKeys.RATE), settings.get(AccessKeys.RATE_BURST));
    }
}
