package dev.netsvc.launcher;

import dev.netsvc.core.ConfigException;
import dev.netsvc.launcher.control.ControlProtocol.Reply;
import dev.netsvc.launcher.control.ControlServer;

import java.util.List;

/** Answers the control socket's requests ({@code status}, {@code start ID...}, ...) from a {@link Host}. */
final class HostControl implements ControlServer.Handler {

    private final Host host;

    HostControl(Host host) {
        this.host = host;
    }

    @Override
    public Reply handle(List<String> request) {
        if (request.isEmpty()) {
            return new Reply(Main.USAGE, "", "netsvc: empty request\n");
        }
        List<String> args = request.subList(1, request.size());
        return switch (request.get(0)) {
            case "status" -> args.contains("--json") ? new Reply(Main.OK, StatusTable.json(host), "")
                    : new Reply(Main.OK, host.statusDump(), "");
            case "start", "stop", "restart" -> act(request.get(0), args);
            case "reload" -> reload();
            default -> new Reply(Main.USAGE, "", "netsvc: the host does not know the request '" + request.get(0) + "'\n");
        };
    }

    private Reply act(String verb, List<String> ids) {
        for (String id : ids) { // all or nothing: check every id before acting on any
            if (!host.serviceIds().contains(id)) {
                return new Reply(Main.USAGE, "", "netsvc " + verb + ": "
                        + new Host.UnknownServiceException(id, host.serviceIds()).getMessage() + "\n");
            }
        }
        StringBuilder out = new StringBuilder();
        int exit = Main.OK;
        for (String id : ids) {
            try {
                switch (verb) {
                    case "start" -> host.start(id);
                    case "stop" -> host.stop(id);
                    default -> host.restart(id);
                }
            } catch (ConfigException e) {
                exit = Main.FAILURE;
            }
            ServiceStatus s = host.services().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
            boolean ok = verb.equals("stop") ? s.state() == ServiceState.STOPPED : s.state() == ServiceState.RUNNING;
            if (!ok) {
                exit = Main.FAILURE;
            }
            out.append(id).append(": ").append(s.state().label())
                    .append(s.reason().isEmpty() ? "" : " (" + s.reason() + ")").append('\n');
        }
        return exit == Main.OK ? new Reply(exit, out.toString(), "") : new Reply(exit, "", out.toString());
    }

    private Reply reload() {
        Host.Reload reload = host.reload();
        String changes = reload.changes().isEmpty() ? ""
                : String.join("\n", reload.changes().stream().map(c -> "  " + c).toList()) + "\n";
        if (reload.refused().isPresent()) {
            return new Reply(Main.USAGE, changes.isEmpty() ? "" : "reloaded plugins/:\n" + changes,
                    "netsvc reload: refused, the running configuration stays: " + reload.refused().get().getMessage() + "\n");
        }
        return new Reply(Main.OK, changes.isEmpty() ? "reloaded: nothing changed\n" : "reloaded:\n" + changes, "");
    }
}
