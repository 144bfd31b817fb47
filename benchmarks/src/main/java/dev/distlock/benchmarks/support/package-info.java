/**
 * What every backend benchmark shares: workloads, lock clients, keys and per-backend state.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.benchmarks.support;

import org.jspecify.annotations.NullMarked;
