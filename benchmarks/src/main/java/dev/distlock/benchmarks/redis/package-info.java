/**
 * JMH benchmarks of the Redis backend: uncontended, contended and hand-off.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.benchmarks.redis;

import org.jspecify.annotations.NullMarked;
