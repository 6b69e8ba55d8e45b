package dev.netsvc.echo.selector;

import dev.netsvc.core.NetService;
import dev.netsvc.testkit.EchoConformance;

/** echo-selector against the echo conformance suite every echo server passes. */
class EchoSelectorConformanceTest extends EchoConformance {

    @Override
    protected NetService service() {
        return new EchoSelectorService();
    }
}
