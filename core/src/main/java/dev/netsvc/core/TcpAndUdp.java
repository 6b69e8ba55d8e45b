package dev.netsvc.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@link RunningService#tcpThenUdp}: a TCP side and a UDP side on its port, stopped together. */
final class TcpAndUdp implements RunningService {

    private final RunningService tcp;
    private final RunningService udp;
    private final List<Endpoint> endpoints;

    TcpAndUdp(RunningService tcp, RunningService udp) {
        this.tcp = tcp;
        this.udp = udp;
        List<Endpoint> both = new ArrayList<>(tcp.endpoints());
        both.addAll(udp.endpoints());
        this.endpoints = List.copyOf(both);
    }

    @Override
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    @Override
    public void stopAccepting() {
        udp.stopAccepting();
        tcp.stopAccepting();
    }

    /** UDP first: it has no work in progress worth waiting for; then TCP with the grace. */
    @Override
    public void stop(Duration grace) {
        try {
            udp.stop(grace);
        } finally {
            tcp.stop(grace);
        }
    }

    @Override
    public void reopenLogs() {
        udp.reopenLogs();
        tcp.reopenLogs();
    }

    @Override
    public String toString() {
        return "running on " + endpoints;
    }
}
