package dev.netsvc.echo.async;

import dev.netsvc.core.NetService;
import dev.netsvc.testkit.EchoConformance;

/** echo-async against the echo conformance suite every echo server passes. */
class EchoAsyncConformanceTest extends EchoConformance {

    @Override
    protected NetService service() {
        return new EchoAsyncService();
    }
}
