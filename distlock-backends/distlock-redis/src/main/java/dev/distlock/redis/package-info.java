/**
 * The Redis backend: a single node through spring-data-redis, or Redlock over independent nodes.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.redis;

import org.jspecify.annotations.NullMarked;
