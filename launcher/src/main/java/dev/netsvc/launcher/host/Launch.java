package dev.netsvc.launcher.host;

import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.text.Problem;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the launch found: how many enabled services run, why the others do not, and how long each
 * service's start took (nanoseconds; the starts ran at the same time).
 */
public record Launch(int enabled, int running, List<Problem> notRunning, Map<String, Long> startNanos) {

    /** {@code http 120.4 ms, echo-async 35.0 ms, ...}, the longest first. */
    public String startTimes() {
        return String.join(", ", startNanos.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.1f", e.getValue() / 1e6) + " ms")
                .toList());
    }

    /** {@code netsvc ready: 6 of 7 services running; http: backoff (port 8080 ... in use)}. */
    public String readyLine() {
        StringBuilder line = new StringBuilder("netsvc ready: ").append(running).append(" of ").append(enabled)
                .append(enabled == 1 ? " service running" : " services running");
        for (Problem p : notRunning) {
            line.append("; ").append(p.subject()).append(": ").append(p.cause());
        }
        return line.toString();
    }

    /**
     * A state and its reason as the ready line shows them: {@code backoff (port 8080 on 127.0.0.1 is
     * already in use)}. The log line just above has the whole explanation and its hint.
     */
    static String brief(ServiceState state, String reason) {
        String cause = reason.replaceFirst(" \\((tcp|udp|tcp\\+udp)\\)$", "").replace(" by another process", "");
        return cause.isEmpty() ? state.label() : state.label() + " (" + cause + ")";
    }
}
