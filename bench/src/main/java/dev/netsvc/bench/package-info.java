/** Benchmarks of netsvc against peers; see bench/README.md. Not part of the distribution. */
package dev.netsvc.bench;
