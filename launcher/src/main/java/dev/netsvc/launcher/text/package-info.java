/**
 * Words for people: the plain cause of an exception, "did you mean" hints, a problem in one line, JSON
 * string literals. Every other package may use it; it uses none of them.
 */
package dev.netsvc.launcher.text;
