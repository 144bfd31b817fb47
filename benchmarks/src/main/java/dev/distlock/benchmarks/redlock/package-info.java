/**
 * JMH benchmarks of Redlock over three redis-server processes against the fenced floor.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.benchmarks.redlock;

import org.jspecify.annotations.NullMarked;
