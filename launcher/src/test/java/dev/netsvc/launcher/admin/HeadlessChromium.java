package dev.netsvc.launcher.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Debian's Chromium, headless, as the browser that loads the status page: {@link #dumpDom} gives the DOM
 * after Chromium parsed and laid out the page, so markup a browser would mend or misread shows up.
 */
public final class HeadlessChromium {

    /** One service row of the rendered status page: its cells' text. */
    public record Row(String service, String state, List<String> cells) {
    }

    private static final Pattern ROW = Pattern.compile("<tr data-service=\"([^\"]*)\" data-state=\"([^\"]*)\"[^>]*>(.*?)</tr>",
            Pattern.DOTALL);
    private static final Pattern CELL = Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL);

    private HeadlessChromium() {
    }

    /** The chromium binary; skips or fails (CI) when missing. */
    public static Path chromium() {
        Path chromium = ExternalTool.find(List.of("/usr/bin/chromium", "/usr/bin/chromium-browser"));
        ExternalTool.require(chromium != null, "chromium is not installed (Debian package chromium; .ci/install-tools installs it)");
        return chromium;
    }

    /** Loads {@code url} and returns the serialized DOM. A profile of its own: other runs may be browsing too. */
    public static String dumpDom(URI url) {
        return dumpDom(url, List.of());
    }

    /** As {@link #dumpDom(URI)}, with more of chromium's options ({@code --window-size=1280,800}, say). */
    public static String dumpDom(URI url, List<String> options) {
        Path chromium = chromium();
        Path profile;
        try {
            profile = Files.createTempDirectory("netsvc-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            List<String> command = new java.util.ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile));
            command.addAll(options);
            command.addAll(List.of("--dump-dom", url.toString()));
            ExternalTool.Output out = ExternalTool.run(Duration.ofSeconds(90), "", command);
            assertEquals(0, out.exitCode(), out::toString);
            return out.stdout();
        } finally {
            delete(profile);
        }
    }

    /** The service rows of a dumped status page, cell text without tags, entities decoded. */
    public static List<Row> rows(String dom) {
        List<Row> rows = new ArrayList<>();
        Matcher m = ROW.matcher(dom);
        while (m.find()) {
            List<String> cells = new ArrayList<>();
            Matcher c = CELL.matcher(m.group(3));
            while (c.find()) {
                cells.add(text(c.group(1)));
            }
            rows.add(new Row(text(m.group(1)), m.group(2), cells));
        }
        return rows;
    }

    private static String text(String html) {
        return html.replaceAll("<br>", "\n").replaceAll("<[^>]*>", "").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&").strip();
    }

    private static void delete(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
