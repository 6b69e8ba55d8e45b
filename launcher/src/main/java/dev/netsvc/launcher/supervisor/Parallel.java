package dev.netsvc.launcher.supervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Runs one task per service at the same time, a platform thread each, and waits for them until a
 * deadline. Service starts and stops are mostly waiting (class loading, binding, draining), so seven of
 * them one after another would take seven times as long.
 */
final class Parallel {

    private Parallel() {
    }

    /**
     * Runs {@code task} for each of {@code services} on a thread named {@code prefix-ID} and returns,
     * once every task ended or {@code timeout} passed, how long each finished task took in nanoseconds.
     * A task still running at the deadline is left running (its thread is a daemon).
     */
    static Map<String, Long> run(String prefix, List<SupervisedService> services, Consumer<SupervisedService> task,
                                 Duration timeout) {
        Map<String, Long> took = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (SupervisedService s : services) {
            threads.add(Thread.ofPlatform().name(prefix + "-" + s.id()).daemon(true).start(() -> {
                long began = System.nanoTime();
                try {
                    task.accept(s);
                } finally {
                    took.put(s.id(), System.nanoTime() - began);
                }
            }));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                t.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return took;
    }
}
