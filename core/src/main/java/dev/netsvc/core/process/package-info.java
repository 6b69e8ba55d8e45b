/**
 * Programs a service starts: {@link dev.netsvc.core.process.ProcessGroup} signals a program and every
 * process it started, through the process group the program leads.
 */
package dev.netsvc.core.process;
