package dev.netsvc.launcher.cli;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.net.HostPort;
import dev.netsvc.launcher.cli.XinetdFiles.Attribute;
import dev.netsvc.launcher.cli.XinetdFiles.Section;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * xinetd's services as netsvc configuration: a program ({@code server}) becomes an instance of the exec
 * service, xinetd's own echo, daytime and time become netsvc's, and each attribute that has no
 * equivalent is named in one {@code # not carried over:} line with the reason. Attributes of the
 * {@code defaults} section apply to every service as xinetd applies them ({@code +=}, {@code -=}).
 */
final class XinetdImport {

    /** xinetd's internal services netsvc ships a service for (both transports under one id). */
    private static final Map<String, String> INTERNAL = Map.of("echo", "echo-selector", "daytime", "daytime", "time", "time");
    /** Ids an imported service must not take: netsvc's own services and key prefixes. */
    private static final Set<String> RESERVED = Set.of("echo-blocking", "echo-selector", "echo-async", "qotd", "daytime",
            "time", "http", "exec", "netsvc", "admin", "plugins");
    /** Defaults that xinetd's services inherit. */
    private static final Set<String> INHERITED = Set.of("only_from", "no_access", "instances", "per_source", "cps",
            "log_on_success", "log_on_failure", "log_type", "bind", "passenv", "banner", "banner_success", "banner_fail",
            "umask", "groups", "max_load", "deny_time", "v6only");
    /** What a service's attributes say that this class reads itself. */
    private static final Set<String> READ = Set.of("id", "type", "socket_type", "protocol", "wait", "server", "server_args",
            "user", "group", "port", "disable", "flags", "bind", "interface", "only_from", "no_access", "instances",
            "per_source", "cps", "log_on_success", "log_on_failure", "env", "passenv", "log_type", "groups");

    private final Map<String, Integer> ports;
    private final List<Translation> printed = new ArrayList<>();
    private final Map<String, Translation> byId = new LinkedHashMap<>();
    private int notCarried;

    /** @param ports the system's service ports, {@code name/protocol} to port (/etc/services) */
    XinetdImport(Map<String, Integer> ports) {
        this.ports = ports;
    }

    /** The configuration lines for every service of {@code files}. */
    List<String> lines(XinetdFiles files) {
        Section defaults = files.sections().stream().filter(Section::isDefaults).reduce((a, b) -> b).orElse(null);
        for (Section section : files.sections()) {
            if (!section.isDefaults()) {
                translate(new Service(section, defaults));
            }
        }
        List<String> out = new ArrayList<>();
        printed.forEach(t -> t.print(out));
        return out;
    }

    /** Attributes named in a {@code # not carried over:} line. */
    int notCarried() {
        return notCarried;
    }

    private void translate(Service s) {
        String where = s.section.name() + " (" + s.section.file() + ", line " + s.section.line() + ")";
        String socketType = s.single("socket_type", "stream");
        String protocol = s.single("protocol", socketType.equals("dgram") ? "udp" : "tcp").toLowerCase(Locale.ROOT);
        String type = String.join(" ", s.values("type", List.of())).toUpperCase(Locale.ROOT);
        if (type.contains("INTERNAL")) {
            internal(s, where, protocol);
            return;
        }
        Translation t = new Translation(uniqueId(s, protocol), where);
        if (!protocol.equals("tcp") && !protocol.equals("udp") || !socketType.matches("stream|dgram")) {
            skip(t, "socket_type = " + socketType + ", protocol = " + protocol + ": netsvc runs programs for TCP streams and UDP datagrams only");
            return;
        }
        if (type.contains("RPC") || type.contains("TCPMUX")) {
            skip(t, "type = " + type + ": netsvc has no RPC or TCPMUX services");
            return;
        }
        boolean wait = s.single("wait", "no").equalsIgnoreCase("yes");
        if (wait && protocol.equals("tcp")) {
            skip(t, "wait = yes: the program accepts the connections itself; netsvc runs a program per connection (wait = no)");
            return;
        }
        String server = s.single("server", "");
        if (server.isEmpty()) {
            skip(t, "no server: there is no program to run");
            return;
        }
        t.put("instance-of", "exec");
        t.put("command", server);
        program(s, t);
        if (protocol.equals("udp")) {
            t.put("transport", "udp");
            t.note("socket_type = dgram: " + (wait ? "wait = yes: " : "") + "the program gets one datagram on its standard"
                    + " input and its standard output is the reply; a program that reads the socket itself must be changed");
        }
        port(s, t, protocol);
        access(s, t);
        add(t);
    }

    /** xinetd's own echo, daytime and time are netsvc's; others it has none of. */
    private void internal(Service s, String where, String protocol) {
        String ours = INTERNAL.get(s.section.name());
        if (ours == null) {
            String seen = "#internal " + s.section.name(); // its other transports: said once
            if (!byId.containsKey(seen)) {
                Translation t = new Translation(s.section.name(), where);
                skip(t, "type = INTERNAL: xinetd's own '" + s.section.name() + "' service; netsvc ships none"
                        + (s.section.name().matches("chargen|discard") ? " (examples/classics has one as a plugin)" : ""));
                byId.put(seen, t);
            }
            return;
        }
        Translation t = byId.get(ours);
        boolean enabled = !s.disabled();
        if (t != null) { // its other transport: one netsvc service serves both
            if (enabled && "false".equals(t.keys.get("enabled"))) {
                t.put("enabled", "true");
            }
            t.note("xinetd's " + protocol + " " + s.section.name() + " is served by the same netsvc service, " + ours);
            return;
        }
        t = new Translation(ours, where);
        t.note("type = INTERNAL: netsvc's " + ours + " serves xinetd's own " + s.section.name() + " (TCP and UDP)");
        port(s, t, protocol);
        access(s, t);
        add(t);
    }

    private void program(Service s, Translation t) {
        List<String> args = new ArrayList<>(s.values("server_args", List.of()));
        List<String> flags = s.values("flags", List.of()).stream().map(f -> f.toUpperCase(Locale.ROOT)).toList();
        if (flags.contains("NAMEINARGS") && !args.isEmpty()) {
            t.note("flags = NAMEINARGS: the program's name in server_args (" + args.remove(0) + ") is not passed; netsvc"
                    + " gives the program its path as its name");
        }
        if (!args.isEmpty()) {
            t.put("args", String.join(" ", args.stream().map(XinetdImport::quoted).toList()));
        }
        for (String flag : flags) {
            if (!flag.matches("NAMEINARGS|REUSE|IPV4|IPV6|NORETRY")) {
                notCarried(t, "flags = " + flag + ": netsvc has no such setting");
            }
        }
        if (flags.contains("IPV6") && s.values("bind", null) == null && s.values("interface", null) == null) {
            t.put("bind", "::");
        }
        s.first("user").ifPresent(user -> t.put("user", user));
        s.first("group").ifPresent(group -> t.put("group", group));
        s.values("env", List.of()).forEach(pair -> {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                t.put("env." + pair.substring(0, eq), pair.substring(eq + 1));
            }
        });
        List<String> passenv = s.values("passenv", List.of());
        if (!passenv.isEmpty()) {
            notCarried(t, "passenv = " + String.join(" ", passenv) + ": netsvc never passes its own environment on; set"
                    + " each variable with " + t.id + ".env.NAME");
        }
        if (s.single("groups", "no").equalsIgnoreCase("yes")) {
            notCarried(t, "groups = yes: netsvc gives the program its group only, no supplementary groups");
        }
    }

    private void port(Service s, Translation t, String protocol) {
        String port = s.single("port", "");
        Integer known = ports.get(s.section.name() + "/" + protocol);
        if (port.isEmpty() && known != null) {
            port = known.toString();
        }
        if (port.isEmpty()) {
            notCarried(t, "port: xinetd names none and /etc/services has no " + s.section.name() + "/" + protocol
                    + "; set " + t.id + ".port");
        } else {
            t.put("port", port);
        }
    }

    /** Access rules, limits, logging, and whatever else the section says. */
    private void access(Service s, Translation t) {
        String bind = s.single("bind", s.single("interface", ""));
        if (!bind.isEmpty()) {
            try {
                t.put("bind", HostPort.formatAddress(ConfigKey.parseAddress(bind), false));
            } catch (IllegalArgumentException e) {
                notCarried(t, "bind = " + bind + ": netsvc binds IP addresses only, never a name");
            }
        } else if (!t.keys.containsKey("bind")) {
            t.note("xinetd listens on every address; netsvc on 127.0.0.1 until " + t.id + ".bind says otherwise"
                    + " (0.0.0.0, ::)");
        }
        addresses(s, t, "only_from", "only-from");
        addresses(s, t, "no_access", "no-access");
        limit(s, t, "instances", "max-connections");
        limit(s, t, "per_source", "per-source");
        List<String> cps = s.values("cps", List.of());
        if (!cps.isEmpty()) {
            t.put("rate", cps.get(0));
            t.note("cps = " + String.join(" ", cps) + ": xinetd limits the whole service, then stops it for a while;"
                    + " netsvc's rate limits each source and never stops a service");
        }
        logging(s, t);
        if (s.disabled()) {
            t.put("enabled", "false");
        }
        for (Attribute a : s.section.attributes()) {
            if (!READ.contains(a.name())) {
                notCarried(t, a.text() + ": " + why(a.name()));
            }
        }
    }

    private void addresses(Service s, Translation t, String attribute, String key) {
        List<String> entries = s.values(attribute, null);
        if (entries == null) {
            return;
        }
        XinetdAddresses a = XinetdAddresses.of(entries);
        if (attribute.equals("only_from") && entries.isEmpty()) {
            t.put("enabled", "false");
            notCarried(t, "only_from with no address: xinetd refuses everyone, netsvc's empty only-from allows everyone;"
                    + " the service is disabled instead");
            return;
        }
        if (!a.blocks().isEmpty() && !(attribute.equals("only_from") && a.everyone())) {
            t.put(key, String.join(", ", a.blocks()));
        } else if (attribute.equals("no_access") && a.everyone()) {
            t.put("enabled", "false");
            t.note("no_access = 0.0.0.0 refuses everyone: the service is disabled");
        }
        for (String name : a.names()) {
            notCarried(t, attribute + " = " + name + ": netsvc takes IP addresses and CIDR blocks only, never names");
        }
    }

    private static void limit(Service s, Translation t, String attribute, String key) {
        String value = s.single(attribute, "");
        if (value.matches("[0-9]+")) {
            t.put(key, value);
        } else if (value.equalsIgnoreCase("UNLIMITED") && key.equals("max-connections")) {
            t.note("instances = UNLIMITED: netsvc always has a limit; max-connections is 40 unless set");
        }
    }

    /** log_on_success on: every connection; log_on_failure alone: failures; both empty: none. */
    private void logging(Service s, Translation t) {
        List<String> success = s.values("log_on_success", null);
        List<String> failure = s.values("log_on_failure", null);
        if (success != null || failure != null) {
            String mode = success != null && !success.isEmpty() ? "all" : failure != null && !failure.isEmpty() ? "failure" : "off";
            t.put("connection-log", mode);
        }
        if (success != null && success.stream().anyMatch(f -> f.equalsIgnoreCase("USERID"))
                || failure != null && failure.stream().anyMatch(f -> f.equalsIgnoreCase("USERID"))) {
            notCarried(t, "log_on_* USERID: netsvc asks no ident server who the client is");
        }
        s.first("log_type").ifPresent(type -> notCarried(t, "log_type = " + String.join(" ", s.values("log_type", List.of()))
                + ": netsvc writes its own log (standard error, the journal under systemd)"));
    }

    private static String why(String attribute) {
        return switch (attribute) {
            case "redirect" -> "netsvc does not forward connections to another host";
            case "banner", "banner_success", "banner_fail" -> "netsvc sends no banner";
            case "nice" -> "run the program through /usr/bin/nice (command and args)";
            case "umask", "rlimit_as", "rlimit_cpu", "rlimit_data", "rlimit_rss", "rlimit_stack", "rlimit_files" ->
                    "set it in a script that starts the program, or in netsvc's systemd unit";
            case "libwrap" -> "netsvc does not read /etc/hosts.allow; use only-from and no-access";
            case "access_times" -> "netsvc has no hours of service";
            case "max_load" -> "netsvc does not refuse by the system's load";
            case "deny_time" -> "netsvc refuses a source per connection, never for a time";
            default -> "netsvc has no such setting";
        };
    }

    private String uniqueId(Service s, String protocol) {
        String base = s.first("id").orElse(s.section.name()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-")
                .replaceAll("^-+|-+$", "");
        if (base.isEmpty()) {
            base = "xinetd";
        }
        String id = RESERVED.contains(base) || byId.containsKey(base) ? base + "-" + protocol : base;
        for (int n = 2; RESERVED.contains(id) || byId.containsKey(id); n++) {
            id = base + "-" + protocol + n;
        }
        return id;
    }

    private void add(Translation t) {
        printed.add(t);
        byId.put(t.id, t);
    }

    /** A service that is not imported: printed with its reason, and no keys. */
    private void skip(Translation t, String why) {
        notCarried(t, why + "; not imported");
        printed.add(t);
    }

    private void notCarried(Translation t, String what) {
        notCarried++;
        t.notes.add("# not carried over: " + what);
    }

    /** A word of args as {@code <id>.args} reads it back: quoted when it holds blanks, quotes or backslashes. */
    static String quoted(String word) {
        if (!word.isEmpty() && word.chars().noneMatch(c -> Character.isWhitespace(c) || c == '\'' || c == '"' || c == '\\')) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** One service's attributes, with the defaults xinetd applies to it. */
    private record Service(Section section, Section defaults) {

        /** The words of {@code attribute} after the defaults and every =, += and -=; {@code none} if never set. */
        List<String> values(String attribute, List<String> none) {
            List<String> value = null;
            if (defaults != null && INHERITED.contains(attribute)) {
                value = apply(defaults, attribute, null);
            }
            value = apply(section, attribute, value);
            return value == null ? none : value;
        }

        private static List<String> apply(Section from, String attribute, List<String> value) {
            for (Attribute a : from.attributes()) {
                if (a.name().equals(attribute)) {
                    List<String> next = a.op().equals("=") || value == null ? new ArrayList<>() : new ArrayList<>(value);
                    if (a.op().equals("-=")) {
                        next.removeAll(a.values());
                    } else {
                        next.addAll(a.values());
                    }
                    value = next;
                }
            }
            return value;
        }

        String single(String attribute, String none) {
            List<String> v = values(attribute, List.of());
            return v.isEmpty() ? none : v.get(0);
        }

        java.util.Optional<String> first(String attribute) {
            List<String> v = values(attribute, List.of());
            return v.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(v.get(0));
        }

        /** {@code disable = yes}, or named by the defaults' {@code disabled}, or left out of their {@code enabled}. */
        boolean disabled() {
            String name = section.name();
            String id = first("id").orElse(name);
            if (single("disable", "no").equalsIgnoreCase("yes")) {
                return true;
            }
            if (defaults == null) {
                return false;
            }
            List<String> off = apply(defaults, "disabled", null);
            List<String> on = apply(defaults, "enabled", null);
            return off != null && (off.contains(name) || off.contains(id))
                    || on != null && !(on.contains(name) || on.contains(id));
        }
    }

    /** One netsvc service as it will be printed. */
    private static final class Translation {
        final String id;
        final String where;
        final Map<String, String> keys = new LinkedHashMap<>();
        final List<String> notes = new ArrayList<>();

        Translation(String id, String where) {
            this.id = id;
            this.where = where;
        }

        void put(String key, String value) {
            keys.put(key, value);
        }

        void note(String text) {
            if (!notes.contains("# " + text)) {
                notes.add("# " + text);
            }
        }

        void print(List<String> out) {
            out.add("");
            out.add("# " + where);
            keys.forEach((k, v) -> out.add(id + "." + k + "=" + v));
            out.addAll(notes);
        }
    }
}
