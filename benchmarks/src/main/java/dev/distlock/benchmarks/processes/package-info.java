/**
 * Contention between processes: three JVMs on one key, grants per JVM.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.benchmarks.processes;

import org.jspecify.annotations.NullMarked;
