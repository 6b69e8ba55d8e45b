package dev.netsvc.core.udp;

import dev.netsvc.core.Counters;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.ServiceCounters;
import dev.netsvc.core.access.AccessPolicy;
import dev.netsvc.core.internal.HostAccess;
import dev.netsvc.core.internal.RefusalLog;
import dev.netsvc.core.access.RefusalReason;
import dev.netsvc.core.internal.SourceGate;
import dev.netsvc.core.internal.SourceRateLimiter;
import dev.netsvc.core.internal.TokenBucket;

import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decides whether a UDP service may answer a datagram, before it does any work. In order:
 * <ol>
 * <li>Loop check, after FreeBSD inetd's {@code check_loop}: a datagram from a port where a UDP service
 *     answers (the classic {@link #CLASSIC_LOOP_PORTS}, every UDP port this host serves — the launcher
 *     passes them in with the context ({@link #of}) — or this service's own
 *     port) is dropped, because answering it would
 *     let two services (say echo and chargen, forged to talk to each other) reply to each other forever.
 *     Every other source port below 1024 is dropped too (OpenBSD's {@code dg_badinput}): ordinary clients
 *     send from ephemeral ports.</li>
 * <li>Wildcard, multicast and broadcast sources are dropped: there is no one sensible to answer.</li>
 * <li>The service's access rules ({@code only-from}, {@code no-access}, {@code rate}): refused
 *     datagrams are counted as {@code udp.dropped.acl} and {@code udp.dropped.rate} and logged at most
 *     once a minute per source.</li>
 * <li>Per-source token bucket ({@code udp-rate}, {@code udp-burst}), then the service-wide one
 *     ({@code udp-global-rate}): a forged source cannot turn the service into an amplifier.</li>
 * </ol>
 * Every drop is counted by reason ({@link dev.netsvc.core.Counters#UDP_DROPPED}). Thread-safe.
 */
public final class UdpGuard {

    /**
     * Source ports that are always dropped as loops: the classic inetd UDP services (echo 7, discard 9,
     * daytime 13, qotd 17, chargen 19, time 37). The ports this host's own UDP services listen on are
     * added by the host, whatever plugin provides them.
     */
    public static final Set<Integer> CLASSIC_LOOP_PORTS = Set.of(7, 9, 13, 17, 19, 37);

    /** Ports below this are reserved for system services; no ordinary client sends from them. */
    public static final int FIRST_UNPRIVILEGED_PORT = 1024;

    private final Clock clock;
    private final Set<Integer> loopPorts;
    private final SourceGate access;
    private final RefusalLog refusals;
    private final SourceRateLimiter perSource;
    private final TokenBucket global;
    private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);

    /**
     * The guard of a UDP socket of {@code context}'s service listening on {@code ownPort}: the service's
     * access rules, and as loop ports the classic ones, every UDP port of the host's services and its own.
     */
    public static UdpGuard of(ServiceContext context, UdpLimits limits, int ownPort) {
        return new UdpGuard(limits, AccessPolicy.of(context.settings()), HostAccess.udpServicePorts(context),
                context.clock(), context.counters(), context.log(), ownPort);
    }

    /** A guard without access rules whose loop ports are the classic ones and {@code ownPort}. */
    UdpGuard(UdpLimits limits, Clock clock, ServiceCounters counters, int ownPort) {
        this(limits, AccessPolicy.OPEN, Set.of(), clock, counters, NOPLogger.NOP_LOGGER, ownPort);
    }

    /**
     * @param policy         the service's access rules
     * @param hostUdpPorts   every UDP port the host serves (loop ports besides the classic ones)
     * @param ownPort        the port this service listens on (0 if none): datagrams from it are loops as well
     */
    UdpGuard(UdpLimits limits, AccessPolicy policy, Set<Integer> hostUdpPorts, Clock clock,
                    ServiceCounters counters, Logger log, int ownPort) {
        this.clock = clock;
        Set<Integer> ports = new HashSet<>(CLASSIC_LOOP_PORTS);
        ports.addAll(hostUdpPorts);
        if (ownPort != 0) {
            ports.add(ownPort);
        }
        this.loopPorts = Set.copyOf(ports);
        this.access = new SourceGate(policy, clock, counters, Counters.UDP_SOURCES_FORGOTTEN);
        this.refusals = new RefusalLog(log, clock, "datagrams");
        long now = nanos(clock);
        this.perSource = new SourceRateLimiter(limits.rate(), limits.burst(), limits.trackedSources(),
                counters.counter(Counters.UDP_SOURCES_FORGOTTEN));
        this.global = new TokenBucket(limits.globalRate(), limits.globalRate(), now);
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, counters.counter(Counters.UDP_DROPPED.member(reason.label())));
        }
    }

    /** Whether to answer a datagram from {@code source}; a drop is counted under its reason. */
    public boolean admit(InetSocketAddress source) {
        DropReason reason = check(source);
        if (reason != null) {
            dropped.get(reason).increment();
            return false;
        }
        return true;
    }

    private DropReason check(InetSocketAddress source) {
        DropReason bad = checkSource(source, loopPorts);
        if (bad != null) {
            return bad;
        }
        RefusalReason refused = access.check(source.getAddress());
        if (refused != null) {
            refusals.refused(source.getAddress(), refused);
            return refused == RefusalReason.ACL ? DropReason.ACL : DropReason.RATE;
        }
        synchronized (this) {
            long now = nanos(clock);
            if (!perSource.tryTake(source.getAddress(), now)) {
                return DropReason.SOURCE_RATE;
            }
            return global.tryTake(now) ? null : DropReason.GLOBAL_RATE;
        }
    }

    /** The stateless part: loop ports, privileged ports and unusable addresses; null when fine. */
    static DropReason checkSource(InetSocketAddress source, Set<Integer> loopPorts) {
        int port = source.getPort();
        if (loopPorts.contains(port)) {
            return DropReason.LOOP;
        }
        if (port < FIRST_UNPRIVILEGED_PORT) {
            return DropReason.PRIVILEGED_PORT;
        }
        InetAddress address = source.getAddress();
        if (address == null || address.isAnyLocalAddress() || address.isMulticastAddress() || isBroadcast(address)) {
            return DropReason.BAD_SOURCE;
        }
        return null;
    }

    private static boolean isBroadcast(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            return false; // IPv6 has no broadcast
        }
        for (byte b : address.getAddress()) {
            if (b != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }

    /** Source addresses remembered for the per-source rate right now. */
    public synchronized int trackedSources() {
        return perSource.size();
    }

    /** Every source port this guard drops as a loop. */
    public Set<Integer> loopPorts() {
        return loopPorts;
    }

    private static long nanos(Clock clock) {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
