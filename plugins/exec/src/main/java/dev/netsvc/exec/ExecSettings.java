package dev.netsvc.exec;

import dev.netsvc.core.Settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An exec service's settings, typed: what {@link ExecService}'s keys say, read once at start.
 *
 * @param environment the {@code env.<NAME>} keys, name to value
 * @param timeout     how long a program may run; zero: no limit
 */
record ExecSettings(String serviceId, Path command, List<String> args, boolean udp, String user, String group,
                    Path workingDir, Map<String, String> environment, int maxPrograms, Duration idleTimeout,
                    Duration timeout, int stderrRate, int udpReplySize) {

    static ExecSettings from(Settings s) {
        return new ExecSettings(s.serviceId(), Path.of(s.get(ExecService.COMMAND)), s.get(ExecService.ARGS),
                s.get(ExecService.TRANSPORT).equals("udp"), s.get(ExecService.USER).strip(), s.get(ExecService.GROUP).strip(),
                s.get(ExecService.WORKING_DIR), s.family(ExecService.ENV), s.get(ExecService.MAX_CONNECTIONS),
                s.get(ExecService.IDLE_TIMEOUT), s.get(ExecService.TIMEOUT), s.get(ExecService.STDERR_RATE),
                s.get(ExecService.UDP_REPLY_SIZE));
    }

    /**
     * Whether programs run as another user or group than the host: through {@code setpriv}, which takes
     * root or CAP_SETUID and CAP_SETGID. Naming the host's own user (and no group) switches nothing.
     */
    boolean switchesUser() {
        return !group.isEmpty() || (!user.isEmpty() && !user.equals(HostRights.currentUser()));
    }

    /**
     * The longest a program may run: its {@code timeout}; for a datagram's program without one, the idle
     * timeout (it has no connection that could go idle, and must not hold its slot forever).
     */
    Duration programLimit() {
        return udp && timeout.isZero() ? idleTimeout : timeout;
    }
}
