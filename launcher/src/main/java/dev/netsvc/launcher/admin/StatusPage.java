package dev.netsvc.launcher.admin;

import dev.netsvc.core.Endpoint;

import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.supervisor.ServiceStatus;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * {@code GET /}: the host on one page for a browser, in the spirit of HAProxy's stats page. Plain HTML
 * with inline CSS, no script and nothing fetched from elsewhere (the server's Content-Security-Policy
 * forbids it); the page reloads itself every {@value #REFRESH_SECONDS} seconds. Every text from a
 * service or plugin is HTML-escaped.
 */
final class StatusPage {

    static final int REFRESH_SECONDS = 5;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private static final String STYLE = """
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
            h1{font-size:1.4em;margin:0 0 .2em}
            p.summary{margin:0 0 1em;color:#555}
            table{border-collapse:collapse;background:#fff;box-shadow:0 1px 2px #0002}
            th,td{padding:.35em .7em;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top;white-space:nowrap}
            th{background:#f0f0f0;font-weight:600;white-space:normal}
            td.wrap{white-space:normal;overflow-wrap:anywhere;min-width:6em}
            .from{color:#555;font-size:.9em;white-space:normal}
            td.num{text-align:right;font-variant-numeric:tabular-nums}
            .state{display:inline-block;padding:0 .5em;border-radius:.6em;font-weight:600;color:#fff;background:#888}
            .running{background:#2e7d32}.starting,.stopping{background:#1565c0}.backoff{background:#ef6c00}
            .failed{background:#c62828}.stopped{background:#757575}
            .reason{color:#a33;font-size:.9em;white-space:normal}
            .disabled{color:#888}
            footer{margin-top:1em;color:#777;font-size:.9em}
            """;

    private StatusPage() {
    }

    static String render(HostView view, Instant now) {
        List<ServiceStatus> services = view.services();
        long enabled = services.stream().filter(ServiceStatus::enabled).count();
        long running = services.stream().filter(s -> s.enabled() && s.state() == ServiceState.RUNNING).count();
        String summary = running + " of " + enabled + " enabled services running";

        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>netsvc: ").append(summary).append("</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>netsvc ").append(escape(view.version())).append("</h1>\n")
                .append("<p class=\"summary\" id=\"summary\">").append(summary).append(" · started ")
                .append(TIME.format(view.startedAt())).append(" (up ").append(uptime(view.startedAt(), now))
                .append(") · this page reloads every ").append(REFRESH_SECONDS).append(" s</p>\n")
                .append("<table id=\"services\">\n<thead><tr><th>service</th><th>state</th><th>since</th>")
                .append("<th>endpoints</th><th>connections now</th><th>connections total</th><th>datagrams</th>")
                .append("<th>restarts</th><th>plugin</th><th>version</th></tr></thead>\n<tbody>\n");
        for (ServiceStatus s : services) {
            row(html, s);
        }
        html.append("</tbody>\n</table>\n<footer>As data: <a href=\"/status\">/status</a> (JSON) · ")
                .append("<a href=\"/metrics\">/metrics</a> (Prometheus) · <a href=\"/healthz\">/healthz</a> · ")
                .append("generated ").append(TIME.format(now)).append("</footer>\n</body>\n</html>\n");
        return html.toString();
    }

    private static void row(StringBuilder html, ServiceStatus s) {
        String state = s.state().label();
        html.append("<tr data-service=\"").append(escape(s.id())).append("\" data-state=\"").append(state).append('"')
                .append(s.enabled() ? "" : " class=\"disabled\"").append(">")
                .append("<td>").append(escape(s.id())).append("</td>")
                .append("<td><span class=\"state ").append(state).append("\">").append(state).append("</span>");
        if (!s.enabled()) {
            html.append(" (disabled)");
        }
        if (!s.reason().isBlank()) {
            html.append("<br><span class=\"reason\">").append(escape(s.reason())).append("</span>");
        }
        // the time below the date, plugin ids and versions wrapped: the widest rows fit a 1280-pixel window
        html.append("</td><td>").append(DATE.format(s.since())).append("<br>").append(CLOCK.format(s.since())).append("</td><td>");
        List<Endpoint> endpoints = s.endpoints();
        for (int i = 0; i < endpoints.size(); i++) {
            html.append(i == 0 ? "" : "<br>").append(escape(endpoints.get(i).toString()));
            if (s.fromServiceManager().contains(endpoints.get(i))) {
                html.append("<br><span class=\"from\">from the service manager</span>");
            }
        }
        html.append("</td>")
                .append(number(s, "tcp.connections.active"))
                .append(number(s, "tcp.connections.accepted"))
                .append(number(s, "udp.received"))
                .append("<td class=\"num\">").append(s.restarts()).append("</td>")
                .append("<td class=\"wrap\">").append(escape(s.pluginId())).append("</td>")
                .append("<td class=\"wrap\">").append(escape(s.pluginVersion())).append("</td></tr>\n");
    }

    /** A counter's cell; empty when the service does not count it (a UDP-only service has no connections). */
    private static String number(ServiceStatus s, String counter) {
        Long value = s.counters().get(counter);
        return "<td class=\"num\">" + (value == null ? "" : value) + "</td>";
    }

    static String uptime(Instant since, Instant now) {
        Duration d = Duration.between(since, now);
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        if (d.toDays() > 0) {
            return d.toDays() + "d " + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        return d.toMinutes() > 0 ? d.toMinutes() + "m " + d.toSecondsPart() + "s" : d.toSeconds() + "s";
    }

    /** Text as HTML content or attribute value. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
