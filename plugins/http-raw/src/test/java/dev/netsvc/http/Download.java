package dev.netsvc.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.locks.LockSupport;

/** A client for large bodies: reads the head, then streams the body through a digest, fast or slowly. */
final class Download implements AutoCloseable {

    private final Socket socket = new Socket();
    private final InputStream in;
    int status;
    long contentLength = -1;
    long bodyRead;

    /** @param receiveBuffer the socket's receive buffer, or 0 for the default (small: a slow reader) */
    Download(InetSocketAddress address, int receiveBuffer) throws IOException {
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(address, 5000);
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
    }

    Download get(String path) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUser-Agent: download-test\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        readHead();
        return this;
    }

    private void readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside the response head");
            }
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.US_ASCII).split("\r\n");
        status = Integer.parseInt(lines[0].split(" ")[1]);
        for (String line : lines) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                contentLength = Long.parseLong(line.substring(15).strip());
            }
        }
    }

    /**
     * Reads up to {@code limit} body bytes and returns their SHA-256. {@code pauseEvery}: a slow reader
     * rests a millisecond after each that many bytes (pacing, not synchronisation); 0 reads at full speed.
     */
    String readBody(long limit, int chunk, long pauseEvery) throws IOException {
        MessageDigest sha = sha256();
        byte[] buf = new byte[chunk];
        long sincePause = 0;
        long want = Math.min(limit, contentLength);
        while (bodyRead < want) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, want - bodyRead));
            if (n < 0) {
                break;
            }
            sha.update(buf, 0, n);
            bodyRead += n;
            sincePause += n;
            if (pauseEvery > 0 && sincePause >= pauseEvery) {
                sincePause = 0;
                LockSupport.parkNanos(1_000_000);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Closes with a reset (SO_LINGER 0): the abrupt end of a client that gave up. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
