/**
 * Programs a service starts: {@link dev.netsvc.core.process.Spawner} starts one with a single
 * {@code posix_spawn}, leading a process group of its own, and {@link dev.netsvc.core.process.ProcessGroup}
 * signals a program and every process it started, through that group.
 */
package dev.netsvc.core.process;
