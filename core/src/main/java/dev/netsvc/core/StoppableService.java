package dev.netsvc.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** {@link RunningService#of}: fixed endpoints, and a stop-accepting action and a stop action each run once. */
final class StoppableService implements RunningService {

    private final List<Endpoint> endpoints;
    private final Runnable stopAccepting;
    private final Consumer<Duration> stopAction;
    private final AtomicBoolean acceptingStopped = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();

    StoppableService(List<Endpoint> endpoints, Runnable stopAccepting, Consumer<Duration> stopAction) {
        this.endpoints = List.copyOf(endpoints);
        this.stopAccepting = Objects.requireNonNull(stopAccepting, "stopAccepting");
        this.stopAction = Objects.requireNonNull(stopAction, "stopAction");
    }

    @Override
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    @Override
    public void stopAccepting() {
        if (acceptingStopped.compareAndSet(false, true)) {
            stopAccepting.run();
        }
    }

    @Override
    public void stop(Duration grace) {
        if (stopped.compareAndSet(false, true)) {
            stopAction.accept(grace);
        }
    }

    @Override
    public String toString() {
        return "running on " + endpoints;
    }
}
