/**
 * The {@code @DistributedLock} advisor and interceptor: annotations parsed once, SpEL keys, return-type handlers.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.autoconfigure.interceptor;

import org.jspecify.annotations.NullMarked;
