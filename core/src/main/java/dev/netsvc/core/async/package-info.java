/**
 * The NIO.2 engine: {@link dev.netsvc.core.async.AsyncTcpServer} serves TCP on asynchronous channels and
 * completion handlers, a protocol plugs in as an {@link dev.netsvc.core.async.AsyncHandler}. The third
 * of core's engines, beside the thread-per-connection {@link dev.netsvc.core.net.BlockingTcpServer} and
 * the selector's {@link dev.netsvc.core.nio.NioTcpServer}, on the same accept path, permit loop,
 * deadline sweep and graceful stop ({@link dev.netsvc.core.net}).
 */
package dev.netsvc.core.async;
