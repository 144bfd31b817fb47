/**
 * Spring Integration's {@code LockRegistry} on any distlock backend.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.integration;

import org.jspecify.annotations.NullMarked;
