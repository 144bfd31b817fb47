/**
 * Renewal traffic against the number of held locks: store calls per second.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.benchmarks.scale;

import org.jspecify.annotations.NullMarked;
