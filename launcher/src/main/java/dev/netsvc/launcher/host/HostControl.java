package dev.netsvc.launcher.host;

import dev.netsvc.core.ConfigException;
import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.supervisor.ServiceStatus;
import dev.netsvc.launcher.control.ControlProtocol.Reply;
import dev.netsvc.launcher.control.ControlServer;
import dev.netsvc.launcher.control.ExitStatus;

import java.util.List;

/** Answers the control socket's requests ({@code status}, {@code start ID...}, ...) from a {@link Host}. */
public final class HostControl implements ControlServer.Handler {

    private final Host host;

    public HostControl(Host host) {
        this.host = host;
    }

    @Override
    public Reply handle(List<String> request) {
        if (request.isEmpty()) {
            return new Reply(ExitStatus.USAGE, "", "netsvc: empty request\n");
        }
        List<String> args = request.subList(1, request.size());
        return switch (request.get(0)) {
            case "status" -> args.contains("--json") ? new Reply(ExitStatus.OK, StatusTable.json(host), "")
                    : new Reply(ExitStatus.OK, host.statusDump(), "");
            case "start", "stop", "restart" -> act(request.get(0), args);
            case "reload" -> reload();
            default -> new Reply(ExitStatus.USAGE, "", "netsvc: the host does not know the request '" + request.get(0) + "'\n");
        };
    }

    private Reply act(String verb, List<String> ids) {
        for (String id : ids) { // all or nothing: check every id before acting on any
            if (!host.serviceIds().contains(id)) {
                return new Reply(ExitStatus.USAGE, "", "netsvc " + verb + ": "
                        + new UnknownServiceException(id, host.serviceIds()).getMessage() + "\n");
            }
        }
        StringBuilder out = new StringBuilder();
        int exit = ExitStatus.OK;
        for (String id : ids) {
            try {
                switch (verb) {
                    case "start" -> host.start(id);
                    case "stop" -> host.stop(id);
                    default -> host.restart(id);
                }
            } catch (ConfigException e) {
                exit = ExitStatus.FAILURE;
            }
            ServiceStatus s = host.services().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
            boolean ok = verb.equals("stop") ? s.state() == ServiceState.STOPPED : s.state() == ServiceState.RUNNING;
            if (!ok) {
                exit = ExitStatus.FAILURE;
            }
            out.append(id).append(": ").append(s.state().label())
                    .append(s.reason().isEmpty() ? "" : " (" + s.reason() + ")").append('\n');
        }
        return exit == ExitStatus.OK ? new Reply(exit, out.toString(), "") : new Reply(exit, "", out.toString());
    }

    private Reply reload() {
        Host.Reload reload = host.reload();
        String changes = reload.changes().isEmpty() ? ""
                : String.join("\n", reload.changes().stream().map(c -> "  " + c).toList()) + "\n";
        if (reload.refused().isPresent()) {
            return new Reply(ExitStatus.USAGE, changes.isEmpty() ? "" : "reloaded plugins/:\n" + changes,
                    "netsvc reload: refused, the running configuration stays: " + reload.refused().get().getMessage() + "\n");
        }
        return new Reply(ExitStatus.OK, changes.isEmpty() ? "reloaded: nothing changed\n" : "reloaded:\n" + changes, "");
    }
}
