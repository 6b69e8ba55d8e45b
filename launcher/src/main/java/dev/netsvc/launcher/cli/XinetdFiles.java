package dev.netsvc.launcher.cli;

import dev.netsvc.core.ConfigException;
import dev.netsvc.core.FileErrors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * xinetd's configuration as xinetd reads it (xinetd.conf(5)): {@code defaults} and {@code service NAME}
 * sections of {@code attribute = value...} lines ({@code +=} and {@code -=} add to and take from the
 * defaults), {@code #} comments, and {@code includedir DIR} / {@code include FILE}. A folder is read as
 * {@code includedir} reads it: every file in name order, except those whose name holds a '.' or ends in
 * '~' (packaging leftovers such as {@code echo.dpkg-old}).
 */
final class XinetdFiles {

    /** One {@code name op value...} line. */
    record Attribute(String name, String op, List<String> values, int line) {
        String text() {
            return name + " " + op + " " + String.join(" ", values);
        }
    }

    /** A {@code defaults} (name empty) or {@code service NAME} section. */
    record Section(String kind, String name, List<Attribute> attributes, Path file, int line) {
        boolean isDefaults() {
            return kind.equals("defaults");
        }
    }

    private static final Pattern ATTRIBUTE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*([+-]?=)\\s*(.*)");
    private static final int MAX_DEPTH = 8;

    private final List<Section> sections = new ArrayList<>();
    private final Set<Path> read = new HashSet<>();
    private int files;

    private XinetdFiles() {
    }

    /**
     * Every section of {@code path}, a file (whose includes are followed) or a folder (read as
     * {@code includedir} reads it).
     *
     * @throws ConfigException naming the file (and line) and what is wrong
     */
    static XinetdFiles read(Path path) {
        XinetdFiles all = new XinetdFiles();
        if (Files.isDirectory(path)) {
            all.directory(path, 0);
        } else {
            all.file(path, 0);
        }
        return all;
    }

    List<Section> sections() {
        return sections;
    }

    int fileCount() {
        return files;
    }

    private void directory(Path dir, int depth) {
        List<Path> entries;
        try (Stream<Path> list = Files.list(dir)) {
            entries = list.filter(p -> {
                String name = p.getFileName().toString();
                return Files.isRegularFile(p) && name.indexOf('.') < 0 && !name.endsWith("~");
            }).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException(dir.toString(), "cannot read the folder " + dir + ": " + FileErrors.reason(e));
        }
        for (Path entry : entries) {
            file(entry, depth);
        }
    }

    private void file(Path file, int depth) {
        Path real = file.toAbsolutePath().normalize();
        if (depth > MAX_DEPTH || !read.add(real)) {
            return; // included twice, or in a loop: xinetd reads it once too
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read " + file + ": " + FileErrors.reason(e));
        }
        files++;
        new Reader(file, lines, depth).read();
    }

    /** One file's lines. */
    private final class Reader {
        private final Path file;
        private final List<String> lines;
        private final int depth;
        private int at;

        Reader(Path file, List<String> lines, int depth) {
            this.file = file;
            this.lines = lines;
            this.depth = depth;
        }

        void read() {
            String line;
            while ((line = next()) != null) {
                String[] words = line.split("\\s+");
                switch (words[0]) {
                    case "defaults" -> section("defaults", "", words, 1);
                    case "service" -> {
                        if (words.length < 2 || words[1].equals("{")) {
                            throw problem("'service' needs a name");
                        }
                        section("service", words[1], words, 2);
                    }
                    case "includedir" -> directory(relative(argument(words)), depth + 1);
                    case "include" -> file(relative(argument(words)), depth + 1);
                    default -> throw problem("expected 'service NAME', 'defaults', 'include' or 'includedir', not '" + line + "'");
                }
            }
        }

        private void section(String kind, String name, String[] words, int braceAt) {
            int line = at;
            boolean open = words.length > braceAt && words[braceAt].equals("{");
            if (!open) {
                String next = next();
                if (next == null || !next.equals("{")) {
                    throw problem("'{' expected after '" + kind + (name.isEmpty() ? "" : " " + name) + "'");
                }
            }
            List<Attribute> attributes = new ArrayList<>();
            String text;
            while ((text = next()) != null && !text.equals("}")) {
                Matcher m = ATTRIBUTE.matcher(text);
                if (!m.matches()) {
                    throw problem("expected 'attribute = value', not '" + text + "'");
                }
                String values = m.group(3).strip();
                attributes.add(new Attribute(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2),
                        values.isEmpty() ? List.of() : List.of(values.split("\\s+")), at));
            }
            if (text == null) {
                throw new ConfigException(file.toString(), file + ": the section '" + kind + (name.isEmpty() ? "" : " " + name)
                        + "' of line " + line + " is never closed with '}'");
            }
            sections.add(new Section(kind, name, List.copyOf(attributes), file, line));
        }

        // The next line that is not blank or a comment, stripped; null at the end
        private String next() {
            while (at < lines.size()) {
                String line = lines.get(at++).strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    return line;
                }
            }
            return null;
        }

        private String argument(String[] words) {
            if (words.length != 2) {
                throw problem("'" + words[0] + "' takes one path");
            }
            return words[1];
        }

        private Path relative(String path) {
            Path p = Path.of(path);
            return p.isAbsolute() ? p : file.toAbsolutePath().getParent().resolve(p);
        }

        private ConfigException problem(String what) {
            return new ConfigException(file.toString(), file + ", line " + at + ": " + what);
        }
    }
}
