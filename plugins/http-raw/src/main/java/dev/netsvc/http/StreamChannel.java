package dev.netsvc.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A socket's output stream as a blocking channel for the {@link Outbox}, writing each buffer in one
 * call ({@code Channels.newChannel} would cut it into 8 KiB writes).
 */
final class StreamChannel implements WritableByteChannel {

    private final OutputStream out;
    private byte[] copy = new byte[0];

    StreamChannel(OutputStream out) {
        this.out = out;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        if (src.hasArray()) {
            out.write(src.array(), src.arrayOffset() + src.position(), n);
        } else {
            if (copy.length < n) {
                copy = new byte[n];
            }
            src.get(src.position(), copy, 0, n);
            out.write(copy, 0, n);
        }
        src.position(src.limit());
        return n;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
