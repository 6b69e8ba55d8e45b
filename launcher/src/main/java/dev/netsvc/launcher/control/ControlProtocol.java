package dev.netsvc.launcher.control;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The control socket's line protocol. Request: one line, the command and its arguments separated by
 * spaces ({@code restart http}). Reply: lines starting {@code "1 "} (for standard output) or
 * {@code "2 "} (standard error), then {@code "exit N"}. Lines are UTF-8 and end with LF.
 */
public final class ControlProtocol {

    /** Longest request line; a longer one is not a netsvc client. */
    static final int MAX_REQUEST = 4096;
    /** Longest reply a client accepts (a status of a few hundred services fits easily). */
    static final int MAX_REPLY = 4 << 20;

    /** What a command printed and its exit status. */
    public record Reply(int exitCode, String out, String err) {
    }

    private ControlProtocol() {
    }

    static List<String> readRequest(SocketChannel channel) throws IOException {
        String line = readLine(channel, MAX_REQUEST);
        return Arrays.stream(line.strip().split(" +")).filter(w -> !w.isEmpty()).toList();
    }

    static void writeReply(SocketChannel channel, Reply reply) throws IOException {
        StringBuilder text = new StringBuilder();
        prefixed(text, "1 ", reply.out());
        prefixed(text, "2 ", reply.err());
        text.append("exit ").append(reply.exitCode()).append('\n');
        write(channel, text.toString());
    }

    static void writeRequest(SocketChannel channel, List<String> words) throws IOException {
        write(channel, String.join(" ", words) + "\n");
    }

    static Reply readReply(SocketChannel channel) throws IOException {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (channel.read(buf.clear()) >= 0) {
            all.write(buf.array(), 0, buf.position());
            if (all.size() > MAX_REPLY) {
                throw new IOException("reply longer than " + MAX_REPLY + " bytes");
            }
        }
        List<String> lines = new ArrayList<>(List.of(all.toString(StandardCharsets.UTF_8).split("\n", -1)));
        for (String line : lines) {
            if (line.startsWith("1 ")) {
                out.append(line, 2, line.length()).append('\n');
            } else if (line.startsWith("2 ")) {
                err.append(line, 2, line.length()).append('\n');
            } else if (line.startsWith("exit ")) {
                return new Reply(Integer.parseInt(line.substring(5).strip()), out.toString(), err.toString());
            }
        }
        throw new EOFException("the host closed the connection without an answer");
    }

    private static void prefixed(StringBuilder text, String prefix, String body) {
        if (body.isEmpty()) {
            return;
        }
        String lines = body.endsWith("\n") ? body.substring(0, body.length() - 1) : body;
        for (String line : lines.split("\n", -1)) {
            text.append(prefix).append(line).append('\n');
        }
    }

    private static String readLine(SocketChannel channel, int max) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (line.size() < max) {
            one.clear();
            if (channel.read(one) < 0) {
                break;
            }
            byte b = one.get(0);
            if (b == '\n') {
                break;
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private static void write(SocketChannel channel, String text) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }
}
