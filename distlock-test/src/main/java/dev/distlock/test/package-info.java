/**
 * Test helpers for users: assert that a method is locked, hold a lock from a test.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.test;

import org.jspecify.annotations.NullMarked;
