/**
 * JMH benchmarks of the ZooKeeper backend: uncontended, contended and hand-off.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.benchmarks.zookeeper;

import org.jspecify.annotations.NullMarked;
