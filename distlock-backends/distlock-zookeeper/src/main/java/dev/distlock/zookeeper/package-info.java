/**
 * The ZooKeeper backend (Curator): ephemeral sequential nodes in a session per lease.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.zookeeper;

import org.jspecify.annotations.NullMarked;
