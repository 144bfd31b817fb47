/**
 * Auto-configuration of the Redis backend, single node or Redlock.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.autoconfigure.redis;

import org.jspecify.annotations.NullMarked;
