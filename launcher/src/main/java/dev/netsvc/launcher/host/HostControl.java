package dev.netsvc.launcher.host;

import dev.netsvc.core.ConfigException;
import dev.netsvc.launcher.supervisor.ServiceState;
import dev.netsvc.launcher.supervisor.ServiceStatus;
import dev.netsvc.launcher.admin.HostView;
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
            case "status" -> status(args);
            case "start", "stop", "restart" -> act(request.get(0), args);
            case "reload" -> reload();
            case "listening" -> new Reply(ExitStatus.OK, String.join("", host.services().stream()
                    .flatMap(s -> s.endpoints().stream()).map(e -> e + "\n").toList()), "");
            default -> new Reply(ExitStatus.USAGE, "", "netsvc: the host does not know the request '" + request.get(0) + "'\n");
        };
    }

    // The host, or only the services named (an unknown name is a usage error naming the known ones)
    private Reply status(List<String> args) {
        List<String> ids = args.stream().filter(a -> !a.equals("--json")).toList();
        for (String id : ids) {
            if (!host.serviceIds().contains(id)) {
                return new Reply(ExitStatus.USAGE, "", "netsvc status: "
                        + new UnknownServiceException(id, host.serviceIds()).getMessage() + "\n");
            }
        }
        HostView view = ids.isEmpty() ? host : new HostView() {
            @Override
            public String version() {
                return host.version();
            }

            @Override
            public java.time.Instant startedAt() {
                return host.startedAt();
            }

            @Override
            public List<ServiceStatus> services() {
                return host.services().stream().filter(s -> ids.contains(s.id())).toList();
            }
        };
        return new Reply(ExitStatus.OK, args.contains("--json") ? StatusTable.json(view) : host.statusDump(view), "");
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
            if (verb.equals("restart")) {
                Host.Reload restart = host.restart(id);
                restart.lines().forEach(l -> out.append(l).append('\n'));
                exit = Math.max(exit, restart.exitStatus());
                continue;
            }
            try {
                if (verb.equals("start")) {
                    host.start(id);
                } else {
                    host.stop(id);
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
        String lines = String.join("", reload.lines().stream().map(l -> "  " + l + "\n").toList());
        return switch (reload.exitStatus()) {
            case ExitStatus.OK -> new Reply(ExitStatus.OK, lines.isEmpty() ? "reloaded: nothing changed\n" : "reloaded:\n" + lines, "");
            case ExitStatus.USAGE -> new Reply(ExitStatus.USAGE, lines.isEmpty() ? "" : "reloaded plugins/:\n" + lines,
                    "netsvc reload: refused, nothing changed: " + reload.failure() + "\n");
            default -> new Reply(reload.exitStatus(), lines.isEmpty() ? "" : "reloaded in part:\n" + lines,
                    "netsvc reload: not all applied: " + reload.failure() + "\n");
        };
    }
}
