package dev.netsvc.time;

import dev.netsvc.core.ClientException;
import dev.netsvc.core.ClientInvocation;
import dev.netsvc.core.Transport;
import dev.netsvc.core.reply.ReplyClient;

import org.pf4j.Extension;

/**
 * {@code netsvc call daytime HOST[:PORT] [--udp]}: prints the server's date and time line. RFC 867 asks
 * for one line of text; binary data (an RFC 868 time) or several lines (a quote) is another service.
 */
// tag::client[]
@Extension
public final class DaytimeClient extends ReplyClient {

    /** A daytime line is short; anything longer is not a daytime server. */
    private static final int MAX_READ = 4096;

    public DaytimeClient() {
        // name, description, default port, default transport, the longest answer accepted
        super("daytime", "ask for the date and time as text (RFC 867), over TCP unless --udp", DaytimeService.PORT,
                Transport.TCP, MAX_READ);
    }
    // end::client[]

    @Override
    protected void show(Answer answer, ClientInvocation invocation) {
        byte[] bytes = answer.bytes();
        if (bytes.length > 0 && !answer.cut() && !isText(bytes)) {
            throw new ClientException(answer.from() + " sent " + answer.describe()
                    + "; a daytime answer is one line of text: is this a time port?");
        }
        int lines = lines(bytes);
        if (lines > 1) {
            throw new ClientException(answer.from() + " sent " + lines + " lines of text; a daytime answer is one line"
                    + " (RFC 867): is this a qotd port?");
        }
        super.show(answer, invocation);
    }

    /** Lines that hold something; blank lines around the answer (some servers send them) do not count. */
    static int lines(byte[] bytes) {
        int lines = 0;
        boolean blank = true;
        for (byte b : bytes) {
            if (b == '\n') {
                lines += blank ? 0 : 1;
                blank = true;
            } else if (b != '\r' && b != ' ' && b != '\t') {
                blank = false;
            }
        }
        return lines + (blank ? 0 : 1);
    }
}
