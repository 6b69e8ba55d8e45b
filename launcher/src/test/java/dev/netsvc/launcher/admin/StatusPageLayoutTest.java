package dev.netsvc.launcher.admin;

import dev.netsvc.core.Endpoint;
import dev.netsvc.core.Transport;
import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.supervisor.ServiceStatus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status page fits a 1280-pixel window in a real browser, with the widest rows it shows: a failed
 * service with its reason, IPv6 endpoints from the service manager, long plugin ids and versions.
 */
class StatusPageLayoutTest {

    @TempDir
    Path tmp;

    private static ServiceStatus wide(String id, ServiceState state, String reason) {
        Endpoint v6 = new Endpoint(Transport.TCP, new InetSocketAddress("::", 7007));
        Endpoint udp = new Endpoint(Transport.UDP, new InetSocketAddress("::", 7007));
        return new ServiceStatus(id, "acme-echo-selector-extended", "10.20.300-SNAPSHOT", true, state,
                Instant.parse("2026-12-02T00:40:01Z"), reason, Set.of(Transport.TCP, Transport.UDP),
                state == ServiceState.RUNNING ? List.of(v6, udp) : List.of(), 12,
                Map.of("tcp.connections.accepted", 123_456_789L, "tcp.connections.active", 12_345L, "udp.received", 987_654_321L),
                state == ServiceState.RUNNING ? Set.of(v6, udp) : Set.of());
    }

    @Test
    void theWidestTableFitsA1280PixelWindow() throws IOException {
        FakeHostView view = new FakeHostView(List.of(
                wide("echo-selector-instance-two", ServiceState.RUNNING, ""),
                wide("http-public", ServiceState.FAILED, "gave up after 5 restarts in 60s: tcp [::]:8080 is already in use by"
                        + " another program (ss -ltnp 'sport = :8080' names it); change http-public.port or stop that program")));
        String page = StatusPage.render(view, Instant.parse("2026-12-02T10:00:00Z"));
        // how far the page reaches past the window, written where --dump-dom shows it (the served page runs no script)
        String measured = page.replace("</body>", "<script>document.body.setAttribute('data-overflow',"
                + " document.documentElement.scrollWidth - window.innerWidth)</script></body>");
        Path file = Files.writeString(tmp.resolve("status.html"), measured);
        String dom = HeadlessChromium.dumpDom(file.toUri(), List.of("--window-size=1280,900", "--hide-scrollbars"));
        Matcher m = Pattern.compile("data-overflow=\"(-?\\d+)\"").matcher(dom);
        assertTrue(m.find(), dom);
        int overflow = Integer.parseInt(m.group(1));
        assertTrue(overflow <= 0, "the page is " + overflow + " px wider than a 1280-pixel window");
    }
}
