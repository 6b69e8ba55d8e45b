package dev.netsvc.launcher.admin;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusPageTest {

    private static final Instant NOW = FakeHostView.STARTED.plus(Duration.ofMinutes(61).plusSeconds(5));

    @Test
    void selfContainedAndRefreshing() {
        String html = StatusPage.render(FakeHostView.typical(), NOW);
        assertTrue(html.startsWith("<!DOCTYPE html>"), html);
        assertTrue(html.contains("<meta http-equiv=\"refresh\" content=\"5\">"), html);
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.matches("(?s).*(src|href)=\"(https?:)?//.*"), "nothing fetched from elsewhere");
        assertFalse(html.contains("<link"), "no external style sheet");
    }

    @Test
    void summarySaysHowManyEnabledServicesRun() {
        String html = StatusPage.render(FakeHostView.typical(), NOW);
        assertTrue(html.contains("<title>netsvc: 2 of 3 enabled services running</title>"), html);
        assertTrue(html.contains("started 2026-12-02 00:40:00 UTC (up 1h 1m)"), html);
    }

    @Test
    void textFromServicesIsEscaped() {
        String html = StatusPage.render(FakeHostView.typical(), NOW);
        assertTrue(html.contains("in use &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more"), html);
        assertEquals("&lt;a href=&#39;x&#39;&gt;&amp;amp;", StatusPage.escape("<a href='x'>&amp;"));
    }

    @Test
    void uptimeIsShortAndNeverNegative() {
        Instant t = FakeHostView.STARTED;
        assertEquals("0s", StatusPage.uptime(t, t.minusSeconds(3)));
        assertEquals("59s", StatusPage.uptime(t, t.plusSeconds(59)));
        assertEquals("2m 5s", StatusPage.uptime(t, t.plusSeconds(125)));
        assertEquals("3d 4h", StatusPage.uptime(t, t.plus(Duration.ofHours(76))));
    }
}
