package dev.netsvc.qotd;

import dev.netsvc.core.NetService;
import dev.netsvc.testkit.ServiceHarness;
import dev.netsvc.testkit.UdpAccessConformance;

import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** qotd over UDP (ReplyService, UdpGuard) against the UDP access-control suite. */
class QotdUdpAccessTest extends UdpAccessConformance {

    @TempDir
    Path home;

    @Override
    protected NetService service() {
        return new QotdService();
    }

    @Override
    protected ServiceHarness harness() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/quotes.txt"), "Only quote.\n");
        return ServiceHarness.of(service()).home(home);
    }
}
