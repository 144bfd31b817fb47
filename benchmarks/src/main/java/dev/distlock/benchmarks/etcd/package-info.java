/**
 * JMH benchmarks of the etcd backend: uncontended, contended and hand-off.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.benchmarks.etcd;

import org.jspecify.annotations.NullMarked;
