package dev.netsvc.bench.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens N keep-alive connections to an HTTP server on loopback, makes one request on each, reads the
 * response, prints "open N" and keeps them idle until stdin closes: the state in which bench/http.sh
 * measures the server's memory per idle connection.
 * Usage: {@code IdleClients PORT N PATH}
 */
public final class IdleClients {

    private IdleClients() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        byte[] request = ("GET " + args[2] + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        List<Socket> open = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            readResponse(s.getInputStream());
            open.add(s);
        }
        System.out.println("open " + open.size());
        System.out.flush();
        System.in.read(); // hold them until told
        for (Socket s : open) {
            s.close();
        }
    }

    /** Reads one response with a Content-Length body. */
    private static void readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
            head.append((char) b);
        }
        String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
        int at = lower.indexOf("content-length:");
        int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).strip());
        in.readNBytes(length);
    }
}
