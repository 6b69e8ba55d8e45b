package dev.netsvc.qotd;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the quotes file: quotes separated by lines holding only {@code %} (the fortune(6) format), so a
 * quote may span lines; lines starting with {@code #} are comments; blank lines around a quote are
 * dropped. Each quote becomes its wire form, its lines joined and ended by CRLF.
 *
 * <p>Everything RFC 865 asks is checked here, once, at start-up: only printable ASCII and TAB (line
 * breaks are the file's own), and under 512 characters per quote with its line breaks. A problem names
 * the line it is on. Parsing works on bytes, so no charset can hide a stray byte.
 */
final class QuotesFile {

    /** RFC 865: a quote "should be limited to ASCII printing characters ... less than 512 characters". */
    static final int MAX_QUOTE = 511;

    /** A quotes file larger than this is a mistake (a wrong path, say), not a collection of quotes. */
    static final int MAX_FILE = 16 << 20;

    private static final byte[] CRLF = {'\r', '\n'};

    /** Why the file cannot be served, and where: {@code line} is 1-based, 0 for the file as a whole. */
    static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;

        private final int line;

        Problem(int line, String message) {
            super(message);
            this.line = line;
        }

        int line() {
            return line;
        }
    }

    private QuotesFile() {
    }

    /** Reads and checks {@code file}. */
    static List<byte[]> read(Path file) throws IOException, Problem {
        byte[] content;
        try (InputStream in = Files.newInputStream(file)) {
            content = in.readNBytes(MAX_FILE + 1);
        }
        if (content.length > MAX_FILE) {
            throw new Problem(0, "larger than " + (MAX_FILE >> 20) + " MiB; is this the quotes file?");
        }
        return parse(content);
    }

    /** Parses and checks the content of a quotes file; returns each quote in its wire form. */
    static List<byte[]> parse(byte[] content) throws Problem {
        List<byte[]> quotes = new ArrayList<>();
        List<byte[]> lines = new ArrayList<>(); // the quote being read
        int firstLine = 0;
        int lineNumber = 0;
        for (int pos = 0; pos < content.length; ) {
            lineNumber++;
            int end = indexOf(content, (byte) '\n', pos);
            int next = end + 1;
            if (end > pos && content[end - 1] == '\r') {
                end--; // CRLF line ending
            }
            if (end - pos == 1 && content[pos] == '%') {
                add(quotes, lines, firstLine);
                lines.clear();
            } else if (end == pos || content[pos] != '#') {
                check(content, pos, end, lineNumber);
                boolean leadingBlank = lines.isEmpty() && isBlank(content, pos, end);
                if (!leadingBlank) {
                    if (lines.isEmpty()) {
                        firstLine = lineNumber;
                    }
                    lines.add(Arrays.copyOfRange(content, pos, end));
                }
            }
            pos = next;
        }
        add(quotes, lines, firstLine);
        if (quotes.isEmpty()) {
            throw new Problem(0, "holds no quotes; write one quote per block, blocks separated by a line holding only %");
        }
        return List.copyOf(quotes);
    }

    private static void add(List<byte[]> quotes, List<byte[]> lines, int firstLine) throws Problem {
        int last = lines.size();
        while (last > 0 && isBlank(lines.get(last - 1), 0, lines.get(last - 1).length)) {
            last--;
        }
        if (last == 0) {
            return; // nothing between two separators
        }
        int size = 0;
        for (int i = 0; i < last; i++) {
            size += lines.get(i).length + CRLF.length;
        }
        if (size > MAX_QUOTE) {
            throw new Problem(firstLine, "the quote starting on this line is " + size + " characters with its line breaks;"
                    + " RFC 865 allows at most " + MAX_QUOTE + " (separate quotes with a line holding only %)");
        }
        byte[] wire = new byte[size];
        int at = 0;
        for (int i = 0; i < last; i++) {
            byte[] line = lines.get(i);
            System.arraycopy(line, 0, wire, at, line.length);
            at += line.length;
            wire[at++] = '\r';
            wire[at++] = '\n';
        }
        quotes.add(wire);
    }

    private static void check(byte[] content, int from, int to, int lineNumber) throws Problem {
        for (int i = from; i < to; i++) {
            int b = content[i] & 0xFF;
            if (b != '\t' && (b < 0x20 || b > 0x7E)) {
                throw new Problem(lineNumber, "column " + (i - from + 1) + ": byte 0x" + String.format("%02X", b)
                        + " is not printable ASCII; RFC 865 quotes are printable ASCII, TAB and line breaks");
            }
        }
    }

    private static boolean isBlank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return bytes.length;
    }
}
