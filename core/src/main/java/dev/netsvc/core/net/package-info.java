/**
 * Sockets and the TCP engines' shared parts: the accept path ({@link dev.netsvc.core.net.AcceptPath}), the
 * connection permit taken before each accept ({@link dev.netsvc.core.net.ConnectionPermits}), the
 * thread-per-connection server ({@link dev.netsvc.core.net.BlockingTcpServer}, whose handlers get a
 * {@link dev.netsvc.core.net.TcpConnection}), the clients' one way to connect
 * ({@link dev.netsvc.core.net.TcpClient}), and the two mechanisms every TCP engine (this package's,
 * {@link dev.netsvc.core.nio.NioTcpServer}, {@link dev.netsvc.core.async.AsyncTcpServer}, plugins' own) stops
 * and times out connections with.
 *
 * <h2>Deadlines and idle timeouts</h2>
 * One mechanism, on the service's injected clock: a connection publishes a deadline in clock millis
 * (an idle timeout is {@code last activity + timeout}) and {@link dev.netsvc.core.net.DeadlineSweep}, one
 * virtual thread per use, expires those past it a few times per shortest timeout. It serves every engine
 * whose connections are waited on by threads that cannot wait on a deadline of their own: the blocking
 * server (a read timeout on every socket would make each read a timed park, on the real clock), whose
 * sweep also ends the waits of read deadlines ({@link dev.netsvc.core.net.TcpConnection#readDeadline}:
 * http's request timeout on its blocking transport), NIO.2 channel groups, and timeouts that are not
 * idleness on the selector engine (http's request timeout, from a request's first byte).
 *
 * <p>The selector engine's idle timeout is deliberately not a sweep: each event loop already wakes for
 * its connections, so it keeps them in its own list ordered by last activity ({@code nio.ConnectionList},
 * an intrusive list, O(1) per touch, no lock, no extra thread) and uses the oldest connection's deadline
 * as its select timeout. Expiry happens on the loop's own thread, where closing needs no hand-over, and
 * only the list's head is ever looked at. Putting those connections into a shared sweep would add a
 * volatile write per event and a second thread that must hand each expiry back to the loop, for nothing.
 * Deadlines the loop does not order by (http's request timeout) use the sweep like everyone else.
 *
 * <h2>Graceful stop</h2>
 * {@link dev.netsvc.core.net.GracefulStop} is the one order every engine stops in and its deadlines (stop
 * accepting; if the listener went to a new plugin version let connections finish; end their input; at
 * the grace close what is left; give threads a second). The engines supply only the steps, which differ
 * for good reasons: a blocking server joins one thread per connection and polls its acceptor, the
 * selector engine asks each loop on its own thread and waits for the loops to end, a channel group is
 * waited on through its open set and then shut down. Stop deadlines are on {@link System#nanoTime}: they
 * bound real waits for threads, and a stop must end while a test's manual clock stands still.
 */
package dev.netsvc.core.net;
