package dev.netsvc.launcher.supervisor;

import dev.netsvc.core.RunningService;

import dev.netsvc.launcher.text.PlainCause;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Calls {@link RunningService#stop} on a thread of its own and waits at most the grace period plus a
 * margin, so a plugin whose stop hangs cannot hold the supervisor (or the host's exit) hostage.
 */
final class Stopper {

    /** What a service may take beyond its grace period before it is abandoned. */
    static final Duration MARGIN = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger("netsvc");

    private Stopper() {
    }

    /** Stops {@code running}; returns false if it did not return in time (it is abandoned, still running). */
    static boolean stop(String id, RunningService running, Duration grace) {
        if (running == null) {
            return true;
        }
        Thread stopping = Thread.ofPlatform().name("stop-" + id).daemon(true).start(() -> {
            try {
                running.stop(grace);
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                log.warn("{} failed to stop cleanly: {}", id, PlainCause.of(e));
            }
        });
        try {
            stopping.join(grace.plus(MARGIN));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopping.isAlive()) {
            log.warn("{} did not stop within its grace of {} ms; abandoned", id, grace.toMillis());
            return false;
        }
        return true;
    }

    static String summary(Map<String, Long> counters) {
        if (counters.isEmpty()) {
            return "";
        }
        return " (" + counters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ")) + ")";
    }
}
