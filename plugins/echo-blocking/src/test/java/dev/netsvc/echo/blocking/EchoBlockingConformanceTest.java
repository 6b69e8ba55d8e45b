package dev.netsvc.echo.blocking;

import dev.netsvc.core.NetService;
import dev.netsvc.testkit.EchoConformance;

/** echo-blocking against the echo conformance suite every echo server passes. */
// tag::conformance[]
class EchoBlockingConformanceTest extends EchoConformance {

    @Override
    protected NetService service() {
        return new EchoBlockingService(); // a new instance per call
    }
}
// end::conformance[]
