/**
 * Holding a lock through a {@code Mono}, a {@code Flux}, a Kotlin suspending function or its {@code Flow} until it completes.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.autoconfigure.reactive;

import org.jspecify.annotations.NullMarked;
