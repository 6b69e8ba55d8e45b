package dev.netsvc.http;

import org.slf4j.Logger;

/**
 * One line per response, through slf4j: the Common Log Format without its time field, because the
 * logger stamps every line already and two timestamps on one line are one too many:
 * {@code 127.0.0.1 - - "GET / HTTP/1.1" 200 1234}. The request line is escaped (quotes, backslashes,
 * control and non-ASCII bytes as {@code \xHH}) so a client cannot forge log lines.
 */
final class AccessLog {

    private final Logger log;
    private final boolean enabled;

    AccessLog(Logger log, boolean enabled) {
        this.log = log;
        this.enabled = enabled && log.isInfoEnabled();
    }

    /**
     * @param requestLine the request line, or null when none was received
     * @param bytes       body bytes sent
     */
    void log(String remote, String requestLine, int status, long bytes) {
        if (!enabled) {
            return;
        }
        log.info("{} - - \"{}\" {} {}", remote, requestLine == null ? "-" : escape(requestLine), status,
                bytes == 0 ? "-" : bytes);
    }

    static String escape(String line) {
        StringBuilder out = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            boolean plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
            if (!plain && out == null) {
                out = new StringBuilder(line.length() + 16).append(line, 0, i);
            }
            if (out != null) {
                if (plain) {
                    out.append(c);
                } else {
                    out.append(String.format("\\x%02x", (int) c & 0xff));
                }
            }
        }
        return out == null ? line : out.toString();
    }
}
