package dev.netsvc.examples.classics;

import dev.netsvc.core.ConfigKey;
import dev.netsvc.core.Counter;
import dev.netsvc.core.ServiceContext;
import dev.netsvc.core.frame.Framing;
import dev.netsvc.core.frame.Replier;
import dev.netsvc.core.reply.RequestReplyService;

import org.pf4j.Extension;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

// tag::service[]
/** Answers each line with the number of words in it, over TCP and UDP on one port. */
@Extension
public final class WordcountService extends RequestReplyService {

    static final int PORT = 9104;
    static final ConfigKey<Integer> MAX_LINE = ConfigKey.integer("max-line", 4096, 1, 65_505,
            "longest line counted, in bytes; a longer one closes the connection (over UDP: no answer)");
    static final Counter WORDS = Counter.of("wordcount.words"); // a counter of its own, on /metrics

    public WordcountService() {
        super("wordcount", "answers each line with the number of words in it", PORT);
    }

    @Override
    protected List<ConfigKey<?>> serviceKeys() {
        return List.of(MAX_LINE); // wordcount.max-line
    }

    @Override
    protected Framing framing(ServiceContext context) {
        return Framing.lines(context.get(MAX_LINE));
    }

    @Override
    protected Replier open(ServiceContext context) {
        LongAdder words = context.counters().counter(WORDS);
        return Replier.text(line -> {
            int n = Words.count(line);
            words.add(n);
            return Integer.toString(n);
        });
    }
}
// end::service[]
