/**
 * Auto-configuration of the ZooKeeper backend.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.autoconfigure.zookeeper;

import org.jspecify.annotations.NullMarked;
