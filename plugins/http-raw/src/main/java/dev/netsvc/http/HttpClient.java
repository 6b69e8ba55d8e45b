package dev.netsvc.http;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.ClientOption;
import dev.netsvc.core.NetClient;
import dev.netsvc.core.Netsvc;
import dev.netsvc.core.UsageException;
import dev.netsvc.core.net.TcpClient;
import dev.netsvc.core.tls.TlsClient;

import org.pf4j.Extension;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code netsvc call http [--head] [-o FILE] [-H 'Name: value']... URL}: the classic tutorial's hand-written
 * HEAD and GET requests, done right; an {@code https://} URL over TLS (ALPN {@code http/1.1}), the
 * server's certificate verified as curl does ({@code --cacert}, {@code --insecure}, {@code --cert}/{@code --key}). As with curl, the body goes to stdout (or FILE) and the status line and
 * headers to stderr, so the body can be piped; with {@code --head} there is no body and the headers go
 * to stdout (or FILE), like {@code curl -I}. A status of 400 or more exits 1 after showing the response.
 */
@Extension
public final class HttpClient implements NetClient {

    static final ClientOption HEAD = ClientOption.flag("head", "I", "send HEAD: show the status line and headers only");
    static final ClientOption OUTPUT = ClientOption.value("output", "o", "FILE", "write the body to FILE instead of stdout");
    static final ClientOption HEADER = ClientOption.repeated("header", "H", "'NAME: VALUE'",
            "add or replace a request header; 'NAME:' with no value removes a default one");

    /** Interim responses (1xx) read before the final one; a server that sends more is broken. */
    static final int MAX_INTERIM = 10;

    @Override
    public String name() {
        return "http";
    }

    @Override
    public String description() {
        return "HTTP GET or HEAD of an http:// or https:// URL";
    }

    @Override
    public String usage() {
        return "[--head] [-o FILE] [-H 'Name: value']... [--cacert FILE] [--cert FILE --key FILE] [--insecure] URL";
    }

    @Override
    public List<ClientOption> options() {
        List<ClientOption> options = new ArrayList<>(List.of(HEAD, OUTPUT, HEADER));
        options.addAll(TlsClient.OPTIONS_WITHOUT_FLAG); // https:// asks for TLS
        return List.copyOf(options);
    }

    @Override
    public int run(ClientInvocation call) {
        call.atMostArguments(1);
        HttpUrl url = HttpUrl.parse(call.argument(0, "URL"));
        boolean head = call.has(HEAD.longName());
        byte[] request = request(url, head, call.values(HEADER.longName()));
        try (BodyFile file = call.value(OUTPUT.longName()).map(Path::of).map(BodyFile::create).orElse(null)) {
            return TcpClient.exchange(call, url.hostPort(), url.tls(), List.of("http/1.1"), (socket, target) -> {
                socket.getOutputStream().write(request);
                try {
                    return show(new ResponseReader(socket.getInputStream()), head, file, call, url);
                } catch (HttpException e) {
                    throw new ClientException("malformed response from " + url.authority() + ": " + e.getMessage());
                }
            });
        }
    }

    /** Reads the response, shows it (head and body where asked); returns the exit status. */
    private static int show(ResponseReader reader, boolean head, BodyFile file, ClientInvocation call, HttpUrl url)
            throws IOException, HttpException {
        ResponseReader.Head response = reader.readHead();
        for (int interim = 0; response.status() / 100 == 1 && response.status() != 101; interim++) {
            if (interim == MAX_INTERIM) { // an endless stream of 100 Continue is not an answer
                throw new ClientException("the server at " + url.authority() + " sent " + MAX_INTERIM
                        + " interim (1xx) responses and no final one");
            }
            response = reader.readHead(); // 100 Continue and friends: the real answer follows
        }
        if (response.status() == 101) {
            throw new ClientException("the server at " + url.authority() + " switched protocols (101), which this client does not speak");
        }
        OutputStream out = file == null ? call.out() : file.stream();
        if (head) {
            show(response, new PrintStream(out, false, StandardCharsets.ISO_8859_1)); // like curl -I [-o FILE]
        } else {
            show(response, call.err());
            reader.readBody(response, false, out);
        }
        out.flush();
        if (file != null) {
            file.commit();
        }
        if (response.status() >= 400) {
            call.err().println("netsvc call http: the server answered " + response.statusLine().substring(9));
            return 1;
        }
        return 0;
    }

    /** The request bytes: defaults (Host, User-Agent, Accept, Connection: close), replaced or removed by -H. */
    static byte[] request(HttpUrl url, boolean head, List<String> extra) {
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Host", url.hostHeader()});
        headers.add(new String[] {"User-Agent", "netsvc/" + Netsvc.version()});
        headers.add(new String[] {"Accept", "*/*"});
        headers.add(new String[] {"Connection", "close"});
        for (String h : extra) {
            int colon = h.indexOf(':');
            String name = colon < 0 ? "" : h.substring(0, colon);
            byte[] nameBytes = name.getBytes(StandardCharsets.ISO_8859_1);
            boolean token = !name.isEmpty();
            for (byte b : nameBytes) {
                token &= HttpBytes.isToken(b);
            }
            String value = colon < 0 ? "" : h.substring(colon + 1).strip();
            if (!token || value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f || c > 0xff)) {
                throw new UsageException("-H '" + h + "': expected 'Name: value' (a token, a colon, printable text)");
            }
            headers.removeIf(existing -> existing[0].toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)));
            if (!value.isEmpty()) {
                headers.add(new String[] {name, value});
            }
        }
        StringBuilder out = new StringBuilder(head ? "HEAD " : "GET ").append(url.target()).append(" HTTP/1.1\r\n");
        for (String[] h : headers) {
            out.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        return out.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void show(ResponseReader.Head response, PrintStream to) {
        to.print(response.statusLine() + "\r\n");
        for (String field : response.fields()) {
            to.print(field + "\r\n");
        }
        to.print("\r\n");
        to.flush();
    }
}
