package dev.netsvc.launcher.admin;

import dev.netsvc.core.Transport;

import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.supervisor.ServiceStatus;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StatusJsonTest {

    @Test
    void documentHasEveryFieldInAFixedShape() {
        HostView view = new FakeHostView(List.of(new ServiceStatus("qotd", "udp-qotd", "1.0.0", true, ServiceState.RUNNING,
                Instant.parse("2026-12-02T00:40:01Z"), "", Set.of(Transport.UDP, Transport.TCP),
                List.of(FakeHostView.udp(1717), FakeHostView.tcp(1718)), 3,
                Map.of("udp.received", 7L, "tcp.replied", 4L), Set.of(FakeHostView.tcp(1718)))));
        assertEquals("{\"version\":\"9.8.7\",\"started\":\"2026-12-02T00:40:00Z\",\"services\":["
                + "{\"id\":\"qotd\",\"plugin\":\"udp-qotd\",\"version\":\"1.0.0\",\"enabled\":true,\"state\":\"running\","
                + "\"since\":\"2026-12-02T00:40:01Z\",\"reason\":\"\",\"transports\":[\"tcp\",\"udp\"],"
                + "\"endpoints\":[{\"transport\":\"udp\",\"address\":\"127.0.0.1\",\"port\":1717,\"fromServiceManager\":false},"
                + "{\"transport\":\"tcp\",\"address\":\"127.0.0.1\",\"port\":1718,\"fromServiceManager\":true}],"
                + "\"restarts\":3,\"counters\":{\"tcp.replied\":4,\"udp.received\":7}}],\"problems\":[],"
                + "\"plugins\":{\"deploys\":0,\"failedDeploys\":0,\"uncollectedClassLoaders\":0,"
                + "\"classLoadersAwaitingCollection\":0,\"awaitingCollection\":[],\"running\":[]}}", StatusJson.of(view));
    }

    @Test
    void emptyHost() {
        assertEquals("{\"version\":\"9.8.7\",\"started\":\"2026-12-02T00:40:00Z\",\"services\":[],\"problems\":[],\"plugins\":{"
                + "\"deploys\":0,\"failedDeploys\":0,\"uncollectedClassLoaders\":0,\"classLoadersAwaitingCollection\":0,"
                + "\"awaitingCollection\":[],\"running\":[]}}",
                StatusJson.of(new FakeHostView(List.of())));
    }

    @Test
    void stringsAreEscapedPerRfc8259() {
        assertEquals("\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i\\u2028j\\ud800k\u00e9\uD83D\uDE00\"",
                new JsonWriter().value("a\"b\\c\nd\re\tf\bg\fh\u0001i\u2028j\ud800k\u00e9\uD83D\uDE00").toString());
        assertEquals("{\"k\\\"\":null,\"n\":[1,true,\"x\"]}", new JsonWriter().beginObject().name("k\"").value((String) null)
                .name("n").beginArray().value(1).value(true).value("x").endArray().endObject().toString());
    }
}
