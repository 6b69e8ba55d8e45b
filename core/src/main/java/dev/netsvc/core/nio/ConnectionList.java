package dev.netsvc.core.nio;

import java.util.ArrayList;
import java.util.List;

/**
 * The connections of one event loop, least recently active first: an intrusive doubly-linked list
 * threaded through the connections themselves (no node objects). Touching a connection moves it to the
 * end in O(1), so the idle timeout only ever looks at the head, and finding every expired connection
 * costs O(expired). Why this engine keeps its own order instead of core's deadline sweep: see the
 * package comment of {@code dev.netsvc.core.net}.
 */
final class ConnectionList {

    private NioConnection head;
    private NioConnection tail;
    private int size;

    void add(NioConnection c, long now) {
        c.lastActivity = now;
        c.listed = true;
        linkLast(c);
        size++;
    }

    /** Records activity at {@code now}; the list stays sorted by last activity. */
    void touch(NioConnection c, long now) {
        if (!c.listed || c.lastActivity == now) {
            return; // same millisecond: everything behind it has this time too, the order holds
        }
        c.lastActivity = now;
        if (c != tail) {
            unlink(c);
            linkLast(c);
        }
    }

    void remove(NioConnection c) {
        if (c.listed) {
            c.listed = false;
            unlink(c);
            size--;
        }
    }

    /** The least recently active connection, or null. */
    NioConnection oldest() {
        return head;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** A copy, for walking the list while connections close. */
    List<NioConnection> snapshot() {
        List<NioConnection> all = new ArrayList<>(size);
        for (NioConnection c = head; c != null; c = c.next) {
            all.add(c);
        }
        return all;
    }

    private void linkLast(NioConnection c) {
        c.prev = tail;
        c.next = null;
        if (tail == null) {
            head = c;
        } else {
            tail.next = c;
        }
        tail = c;
    }

    private void unlink(NioConnection c) {
        if (c.prev == null) {
            head = c.next;
        } else {
            c.prev.next = c.next;
        }
        if (c.next == null) {
            tail = c.prev;
        } else {
            c.next.prev = c.prev;
        }
        c.prev = null;
        c.next = null;
    }
}
