/**
 * distlock's Spring Boot auto-configuration: the engine, its properties and the interception of {@code @DistributedLock}.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.autoconfigure;

import org.jspecify.annotations.NullMarked;
