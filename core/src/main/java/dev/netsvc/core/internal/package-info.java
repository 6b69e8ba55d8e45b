/**
 * Implementation that core's packages (and the launcher) share: access-rule bookkeeping (per-source
 * gates, rate limiters, the refusal log), address normalisation, the descriptor limit. <strong>Not
 * API</strong>: plugins must not use it; it may change in any release, the compatibility gate (japicmp)
 * does not cover it and the SDK's javadoc leaves it out. Plugins get the same behaviour through
 * {@link dev.netsvc.core.net.AcceptPath}, {@link dev.netsvc.core.udp.UdpGuard} and
 * {@link dev.netsvc.core.access.AccessPolicy}.
 */
package dev.netsvc.core.internal;
