/**
 * The host's part of core: the wiring the launcher and the test kit set and core's engines read
 * ({@link dev.netsvc.core.internal.HostAccess}, the listening sockets kept across plugin versions, the
 * keys every service has, systemd's inherited sockets), and implementation core's packages share
 * (access-rule bookkeeping, TLS sessions, the PROXY header, native calls). <strong>Not API, and refused to
 * plugins</strong>: the SDK's parent POM fails a plugin build whose classes use it, the host refuses such
 * a jar and each plugin's class loader refuses its classes (docs/plugin-authors.md, "What core offers
 * plugins, and what it keeps for the host"). It may change in any release; the compatibility gate
 * (japicmp) does not cover it and the SDK's javadoc leaves it out.
 */
package dev.netsvc.core.internal;
