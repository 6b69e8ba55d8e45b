package dev.netsvc.launcher.config;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.FileErrors;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Reads one configuration file: a properties file in UTF-8. Every failure says what is wrong with the
 * file in plain words: missing, a directory, unreadable, too large, not UTF-8 (with the line).
 */
final class PropertiesFile {

    /** A configuration file larger than this is a mistake (a wrong path, say), not configuration. */
    static final int MAX_FILE = 1 << 20;

    private PropertiesFile() {
    }

    /**
     * The keys and values of {@code file}, sorted by key.
     *
     * @param option the option that named the file ({@code --config}), or null for one of the
     *               installation's own files; it prefixes the message and is the error's key
     */
    static Map<String, String> read(Path file, String option) {
        String key = option == null ? file.toString() : option;
        String prefix = (option == null ? "" : option + ": ") + "cannot read configuration file " + file + ": ";
        if (Files.isDirectory(file)) {
            throw new ConfigException(key, prefix + "it is a directory; give the properties file itself");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new ConfigException(key, prefix + "it is not a regular file (a pipe or a device?)");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE + 1);
        } catch (IOException e) {
            throw new ConfigException(key, prefix + FileErrors.reason(e));
        }
        if (bytes.length > MAX_FILE) {
            throw new ConfigException(key, prefix + "it is larger than " + (MAX_FILE >> 20) + " MiB; is it a properties file?");
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(utf8(bytes, file)));
        } catch (IOException e) {
            throw new ConfigException(key, prefix + FileErrors.reason(e));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "configuration file " + file + " is malformed: " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : new TreeSet<>(p.stringPropertyNames())) {
            values.put(name.strip(), p.getProperty(name));
        }
        return values;
    }

    /**
     * The text of a properties file: UTF-8, a leading byte-order mark dropped (editors on Windows write
     * one). Invalid UTF-8 is refused naming the line and column, instead of Java's "Input length = 1".
     */
    static String utf8(byte[] bytes, Path file) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw new ConfigException(file.toString(), "configuration file " + file + " is not UTF-8: line " + line
                    + ", column " + (at - lineStart + 1) + " (byte 0x" + String.format("%02X", bytes[at] & 0xFF)
                    + " at offset " + at + "); save it as UTF-8");
        }
        decoder.flush(out);
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
}
