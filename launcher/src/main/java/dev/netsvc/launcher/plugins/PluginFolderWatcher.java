package dev.netsvc.launcher.plugins;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The thread that runs {@link PluginFolderScanner}: it scans when the folder's WatchService reports a
 * change, when a settling jar is due, and every {@code interval} in any case (WatchService misses changes
 * on some file systems, such as network mounts, and may be unavailable). Without {@code watch} it only
 * rescans on the interval.
 */
public final class PluginFolderWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("netsvc");
    private static final long MIN_WAIT_MILLIS = 10;

    private final Path dir;
    private final PluginFolderScanner scanner;
    private final Consumer<List<JarChange>> changes;
    private final Duration interval;
    private final Clock clock;
    private final WatchService watcher;
    private final Thread thread;
    private volatile boolean closed;
    private volatile String problem;

    /** Scans with {@code scanner} and hands what changed to {@code changes}, on the watcher thread. */
    public PluginFolderWatcher(PluginFolderScanner scanner, Consumer<List<JarChange>> changes, Duration interval,
                               boolean watch, Clock clock) {
        this.dir = scanner.dir();
        this.scanner = scanner;
        this.changes = changes;
        this.interval = interval;
        this.clock = clock;
        this.watcher = watch ? register(dir) : null;
        this.thread = Thread.ofPlatform().name("plugins-watch").daemon(true).unstarted(this::run);
    }

    private static WatchService register(Path dir) {
        try {
            WatchService service = FileSystems.getDefault().newWatchService();
            dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            return service;
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("plugins folder {}: no change notifications ({}); rescanning on the interval only", dir, e.getMessage());
            return null;
        }
    }

    public void start() {
        thread.start();
    }

    private void run() {
        while (!closed) {
            try {
                waitForChange();
                if (!closed) {
                    List<JarChange> found = scanner.scan();
                    readable();
                    if (!found.isEmpty()) {
                        changes.accept(found);
                    }
                }
            } catch (IOException e) {
                unreadable(e);
                continue;
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) { // a bug in what the changes drive must not end the watching
                log.error("plugins folder {}: scan failed", dir, e);
            }
        }
    }

    /**
     * Why the folder cannot be read now, in plain words, or empty: an operator who removed the folder or
     * took away its permissions sees it in status, /status and /healthz, and in the log once.
     */
    public java.util.Optional<String> problem() {
        return java.util.Optional.ofNullable(problem);
    }

    private void unreadable(IOException e) {
        String why = "plugins folder " + dir + " cannot be read: " + dev.netsvc.core.FileErrors.reason(e);
        if (!why.equals(problem)) {
            log.warn("{}; the plugins loaded keep running, and the folder is looked at again every {} ms", why,
                    interval.toMillis());
        }
        problem = why;
    }

    private void readable() {
        if (problem != null) {
            log.info("plugins folder {} can be read again", dir);
            problem = null;
        }
    }

    private void waitForChange() throws InterruptedException {
        long wait = interval.toMillis();
        Instant due = scanner.nextSettleAt().orElse(null);
        if (due != null) {
            wait = Math.min(wait, Duration.between(clock.instant(), due).toMillis() + 1);
        }
        wait = Math.max(MIN_WAIT_MILLIS, wait);
        if (watcher == null) {
            Thread.sleep(wait); // the rescan interval: this thread's timer, not synchronisation
            return;
        }
        WatchKey key = watcher.poll(wait, TimeUnit.MILLISECONDS);
        if (key != null) {
            key.pollEvents(); // which file changed does not matter: the scan looks at all of them
            key.reset();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
