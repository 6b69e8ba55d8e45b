/**
 * The control socket: a Unix domain socket, owner-only, one request line in and one reply out, between
 * the commands that act on a running host ({@code status}, {@code start}, {@code reload}, ...) and the
 * host's {@link dev.netsvc.launcher.control.ControlServer.Handler}. It knows the protocol, not the host.
 */
package dev.netsvc.launcher.control;
