package dev.netsvc.bench.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The file every peer serves, read once, and the Date header value, formatted once per second. */
record PeerFile(byte[] content, String contentType) {

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static volatile long second;
    private static volatile String date = "";

    static PeerFile load(String path) throws IOException {
        String name = Path.of(path).getFileName().toString();
        String type = name.endsWith(".html") ? "text/html; charset=utf-8" : "application/octet-stream";
        return new PeerFile(Files.readAllBytes(Path.of(path)), type);
    }

    static String date() {
        long now = System.currentTimeMillis() / 1000;
        if (now != second) {
            date = IMF_FIXDATE.format(ZonedDateTime.now(ZoneOffset.UTC));
            second = now;
        }
        return date;
    }
}
