package dev.netsvc.core.net;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Clock;

/**
 * An accepted socket that remembers when a read or a write last completed, on the service's clock, so
 * {@link BlockingTcpServer} can close idle connections from a sweep instead of giving every read a
 * timeout (a timed park costs a virtual thread as much again as the read itself).
 */
final class ActivitySocket extends Socket {

    private final Clock clock;
    private volatile long lastActivity;
    private InputStream in;
    private OutputStream out;

    ActivitySocket(Clock clock) {
        this.clock = clock;
        this.lastActivity = clock.millis();
    }

    long lastActivity() {
        return lastActivity;
    }

    void touch() {
        lastActivity = clock.millis();
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (in == null) {
            in = new FilterInputStream(super.getInputStream()) {
                @Override
                public int read() throws IOException {
                    int b = in.read();
                    touch();
                    return b;
                }

                // each read goes straight to the socket's stream: a parked virtual thread keeps every
                // frame on its stack, so no frame is spent on FilterInputStream's delegation
                @Override
                public int read(byte[] b) throws IOException {
                    int n = in.read(b, 0, b.length);
                    touch();
                    return n;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    touch();
                    return n;
                }
            };
        }
        return in;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
        if (out == null) {
            out = new FilterOutputStream(super.getOutputStream()) {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    touch();
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len); // not FilterOutputStream's byte-at-a-time default
                    touch();
                }
            };
        }
        return out;
    }
}
