package dev.netsvc.http;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The files under {@code http.root} as the server may serve them. A decoded request path (no dot
 * segments: {@link RequestTarget} refused them) is resolved under the root, and then its real path,
 * symlinks followed, must still be under the root's real path: a symlink pointing outside is "not found".
 * Only regular files are served; a directory serves its {@code index.html}, and is redirected to its
 * name with a trailing slash first.
 *
 * <p>What a path names is cached and checked against the disk again after {@link #VALIDITY_MILLIS}, so
 * a change on disk shows within a second. The cache holds at most {@code cacheSize} bytes (contents plus
 * a fixed cost per entry); the content of files up to {@code maxCachedFile} bytes is kept in memory.
 */
final class DocumentRoot {

    /** What a path names; a {@link StaticFile} or one of the outcomes. */
    sealed interface Resource permits StaticFile, Outcome {
    }

    enum Outcome implements Resource {
        NOT_FOUND, FORBIDDEN, ADD_SLASH
    }

    static final long VALIDITY_MILLIS = 1000;
    static final String INDEX = "index.html";
    /** What an entry costs besides its key and content: the objects and header lines around it. */
    private static final int ENTRY_COST = 512;

    private record Entry(Resource resource, long checkedAt, long cost) {
    }

    private final Path root;
    private final long cacheSize;
    private final int maxCachedFile;
    private final Clock clock;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final AtomicLong cached = new AtomicLong();

    /**
     * @throws IOException if {@code root} does not exist
     */
    DocumentRoot(Path root, long cacheSize, int maxCachedFile, Clock clock) throws IOException {
        this.root = root.toRealPath();
        this.cacheSize = cacheSize;
        this.maxCachedFile = (int) Math.min(maxCachedFile, cacheSize);
        this.clock = clock;
    }

    Path root() {
        return root;
    }

    /** What the cache holds now, in the bytes it counts against {@code cacheSize}. */
    long cachedBytes() {
        return cached.get();
    }

    /** What {@code path} (decoded, starting with '/') names now, or at most a second ago. */
    Resource find(String path) {
        long now = clock.millis();
        Entry entry = cache.get(path);
        if (entry != null && now - entry.checkedAt() < VALIDITY_MILLIS && now >= entry.checkedAt()) {
            return entry.resource();
        }
        Resource resource = load(path, entry == null ? null : entry.resource());
        // "not found" is not kept: a flood of made-up paths must not push the real files out
        if (cacheSize > 0 && resource != Outcome.NOT_FOUND) {
            store(path, new Entry(resource, now, cost(path, resource)));
        }
        return resource;
    }

    private Resource load(String path, Resource previous) {
        try {
            Path candidate = root.resolve(path.substring(1));
            BasicFileAttributes attributes = Files.readAttributes(candidate, BasicFileAttributes.class);
            if (attributes.isDirectory()) {
                if (!path.endsWith("/")) {
                    return inside(candidate) ? Outcome.ADD_SLASH : Outcome.NOT_FOUND;
                }
                candidate = candidate.resolve(INDEX);
                attributes = Files.readAttributes(candidate, BasicFileAttributes.class);
            } else if (path.endsWith("/")) {
                return Outcome.NOT_FOUND; // "/file.html/" names no directory
            }
            if (!attributes.isRegularFile()) {
                return Outcome.NOT_FOUND; // a FIFO or device would block or never end
            }
            Path real = candidate.toRealPath();
            if (!real.startsWith(root)) {
                return Outcome.NOT_FOUND; // a symlink out of the root
            }
            long modified = attributes.lastModifiedTime().toMillis();
            if (previous instanceof StaticFile known && known.path().equals(real) && known.size() == attributes.size()
                    && known.modified() == modified) {
                return known;
            }
            if (!Files.isReadable(real)) {
                return Outcome.FORBIDDEN;
            }
            return StaticFile.of(real, attributes.size(), modified, attributes.size() <= maxCachedFile);
        } catch (AccessDeniedException e) {
            return Outcome.FORBIDDEN;
        } catch (IOException | RuntimeException e) {
            return Outcome.NOT_FOUND; // missing, not a directory on the way, unreadable path: all "not found"
        }
    }

    private boolean inside(Path directory) throws IOException {
        return directory.toRealPath().startsWith(root);
    }

    private void store(String path, Entry entry) {
        Entry old = cache.put(path, entry);
        cached.addAndGet(entry.cost() - (old == null ? 0 : old.cost()));
        // over budget: drop other entries (in hash order: effectively at random) until it fits
        Iterator<Map.Entry<String, Entry>> it = cache.entrySet().iterator();
        while (cached.get() > cacheSize && it.hasNext()) {
            Map.Entry<String, Entry> victim = it.next();
            if (!victim.getKey().equals(path) && cache.remove(victim.getKey(), victim.getValue())) {
                cached.addAndGet(-victim.getValue().cost());
            }
        }
        if (cached.get() > cacheSize && cache.remove(path, entry)) {
            cached.addAndGet(-entry.cost()); // it does not fit even alone
        }
    }

    private static long cost(String path, Resource resource) {
        long content = resource instanceof StaticFile f && f.body() != null ? f.size() : 0;
        return ENTRY_COST + 2L * path.length() + content;
    }
}
