package ${package};

import dev.netsvc.core.frame.Framing;
import dev.netsvc.core.reply.RequestClient;

import org.pf4j.Extension;

// tag::client[]
/**
 * {@code netsvc call ${serviceId} HOST[:PORT] TEXT... [--udp]}: sends TEXT as one line and prints the
 * answer. Core takes every step: HOST[:PORT] (a bad one is a usage error), connecting within --timeout,
 * over UDP asking again up to --retries times, and a failure said in plain words with the address and a
 * hint ("connection refused by 127.0.0.1:${port}: nothing is listening on that port").
 */
@Extension
public final class ${className}Client extends RequestClient {

    public ${className}Client() {
        // the name (netsvc call ${serviceId}), a description, the default port, how requests and answers are framed
        super("${serviceId}", "send TEXT to the ${serviceId} service and print its answer", ${className}Service.DEFAULT_PORT,
                Framing.lines(65_505));
    }
}
// end::client[]
