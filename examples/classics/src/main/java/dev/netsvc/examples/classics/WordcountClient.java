package dev.netsvc.examples.classics;

import dev.netsvc.core.frame.Framing;
import dev.netsvc.core.reply.RequestClient;

import org.pf4j.Extension;

// tag::client[]
/** {@code netsvc call wordcount HOST[:PORT] TEXT... [--udp [--retries N]]}: prints how many words TEXT has. */
@Extension
public final class WordcountClient extends RequestClient {

    public WordcountClient() {
        super("wordcount", "count the words of TEXT with the wordcount service", WordcountService.PORT,
                Framing.lines(65_505));
    }
}
// end::client[]
