package dev.netsvc.echo.selector;

import dev.netsvc.core.NetService;
import dev.netsvc.testkit.UdpAccessConformance;

/** echo-selector's UDP echo (UdpServer, UdpGuard) against the UDP access-control suite. */
class EchoSelectorUdpAccessTest extends UdpAccessConformance {

    @Override
    protected NetService service() {
        return new EchoSelectorService();
    }
}
