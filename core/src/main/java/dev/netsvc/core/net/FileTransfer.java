package dev.netsvc.core.net;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A connection that sends a file region straight from the page cache to its socket ({@code sendfile}):
 * no copy through the heap, no buffering. The blocking engine's {@link TcpConnection} and the selector
 * engine's {@link dev.netsvc.core.nio.Connection} are both, so a protocol writes files the same way on
 * either.
 */
public interface FileTransfer {

    /**
     * Sends up to {@code count} bytes of {@code file} from {@code position}; returns how many went (the
     * engine's own type says whether it waits for a full socket). The file stays the caller's to close.
     */
    long transferFrom(FileChannel file, long position, long count) throws IOException;
}
