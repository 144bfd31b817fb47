/**
 * Auto-configuration of the JDBC backend.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.autoconfigure.jdbc;

import org.jspecify.annotations.NullMarked;
