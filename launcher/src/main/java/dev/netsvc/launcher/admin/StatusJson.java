package dev.netsvc.launcher.admin;

import dev.netsvc.core.Endpoint;

import dev.netsvc.launcher.plugins.PluginStatus;
import dev.netsvc.launcher.supervisor.ServiceStatus;

import java.util.Map;
import java.util.TreeMap;

/**
 * The host's status as one JSON document: what {@code GET /status} serves and what {@code netsvc status
 * --json} prints. Times are ISO-8601 UTC; states are the words operators see ({@code backoff}).
 *
 * <pre>{@code
 * {"version":"0.1.0","started":"2026-12-02T00:40:00Z","services":[
 *   {"id":"echo-blocking","plugin":"echo-blocking","version":"0.1.0","enabled":true,"state":"running",
 *    "since":"2026-12-02T00:40:00.2Z","reason":"","transports":["tcp"],
 *    "endpoints":[{"transport":"tcp","address":"127.0.0.1","port":7007,"fromServiceManager":false}],"restarts":0,
 *    "counters":{"tcp.connections.accepted":3}}],
 *  "plugins":{"deploys":7,"failedDeploys":0,"uncollectedClassLoaders":0,"classLoadersAwaitingCollection":0,
 *   "running":[{"id":"echo-blocking","version":"0.1.0","jar":"echo-blocking-0.1.0.jar"}]}}
 * }</pre>
 */
public final class StatusJson {

    private StatusJson() {
    }

    /** The whole host, services in the view's order. */
    public static String of(HostView view) {
        JsonWriter json = new JsonWriter().beginObject()
                .name("version").value(view.version())
                .name("started").value(view.startedAt().toString())
                .name("services").beginArray();
        for (ServiceStatus service : view.services()) {
            service(json, service);
        }
        json.endArray().name("problems").beginArray();
        view.problems().forEach(json::value);
        json.endArray().name("plugins").beginObject()
                .name("deploys").value(view.pluginDeploys())
                .name("failedDeploys").value(view.pluginDeployFailures())
                .name("uncollectedClassLoaders").value(view.uncollectedPluginClassLoaders())
                .name("classLoadersAwaitingCollection").value(view.pluginClassLoadersAwaitingCollection())
                .name("awaitingCollection").beginArray();
        view.pluginsAwaitingCollection().forEach(json::value);
        json.endArray()
                .name("running").beginArray();
        for (PluginStatus plugin : view.plugins()) {
            json.beginObject().name("id").value(plugin.id()).name("version").value(plugin.version())
                    .name("jar").value(plugin.jar()).endObject();
        }
        return json.endArray().endObject().endObject().toString();
    }

    /** One service, as it appears in {@link #of(HostView)}'s {@code services} array. */
    public static String of(ServiceStatus service) {
        JsonWriter json = new JsonWriter();
        service(json, service);
        return json.toString();
    }

    private static void service(JsonWriter json, ServiceStatus s) {
        json.beginObject()
                .name("id").value(s.id())
                .name("plugin").value(s.pluginId())
                .name("version").value(s.pluginVersion())
                .name("enabled").value(s.enabled())
                .name("state").value(s.state().label())
                .name("since").value(s.since().toString())
                .name("reason").value(s.reason())
                .name("transports").beginArray();
        s.transports().stream().sorted().forEach(t -> json.value(t.label()));
        json.endArray().name("endpoints").beginArray();
        for (Endpoint e : s.endpoints()) {
            json.beginObject()
                    .name("transport").value(e.transport().label())
                    .name("address").value(host(e))
                    .name("port").value(e.port())
                    .name("fromServiceManager").value(s.fromServiceManager().contains(e))
                    .endObject();
        }
        json.endArray().name("restarts").value(s.restarts()).name("counters").beginObject();
        for (Map.Entry<String, Long> c : new TreeMap<>(s.counters()).entrySet()) {
            json.name(c.getKey()).value(c.getValue());
        }
        json.endObject().endObject();
    }

    /** The literal address, without brackets: {@code 127.0.0.1}, {@code ::1}. */
    static String host(Endpoint e) {
        return e.address().getAddress() == null ? e.address().getHostString() : e.address().getAddress().getHostAddress();
    }
}
