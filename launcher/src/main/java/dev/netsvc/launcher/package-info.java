/**
 * The netsvc launcher, one package per job. The arrows it allows (A → B: A uses B), and no other:
 *
 * <pre>
 *   cli ──────► host ──► admin ──────┐
 *    │  │        │  │                ▼
 *    │  │        │  └──► control   (admin reads statuses of supervisor and plugins)
 *    │  └──────► │─────► plugins ──► supervisor ──► config
 *    ├───────────┴──────────────────────────────────► config
 *    └───────────┴────────────────────► systemd ◄──── supervisor
 *   every package ──► text
 * </pre>
 *
 * <ul>
 *   <li>{@code cli}: the command line, one class per command;</li>
 *   <li>{@code host}: the running host: one run's catalog, configuration, supervisor, admin endpoint,
 *   live plugins folder, signals and control socket put together;</li>
 *   <li>{@code plugins}: the plugins folder, jar checks, one PF4J manager per loaded jar, the one
 *   catalog every command loads through, deploys;</li>
 *   <li>{@code supervisor}: states, restart policy, one service's lifecycle, swaps;</li>
 *   <li>{@code config}: files, keys, the plan;</li>
 *   <li>{@code admin}: the read-only HTTP endpoint; {@code control}: the control socket's protocol;</li>
 *   <li>{@code systemd}: the service manager: the sockets it passes in, its notify socket;</li>
 *   <li>{@code text}: plain causes, hints, one-line problems, JSON strings.</li>
 * </ul>
 * {@code PackageArrowsTest} keeps the arrows.
 */
package dev.netsvc.launcher;
