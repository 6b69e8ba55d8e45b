package dev.netsvc.exec;

import dev.netsvc.core.NetService;
import dev.netsvc.testkit.ServiceHarness;
import dev.netsvc.testkit.UdpAccessConformance;

/** An exec service over UDP running /bin/cat against the access-control suite every UDP service passes. */
class ExecUdpAccessTest extends UdpAccessConformance {

    @Override
    protected NetService service() {
        return new ExecService();
    }

    @Override
    protected ServiceHarness harness() {
        return ServiceHarness.of(service()).set("command", "/bin/cat").set("transport", "udp");
    }
}
