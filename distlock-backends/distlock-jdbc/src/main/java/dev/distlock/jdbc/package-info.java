/**
 * The JDBC backend: one table, the database's clock, SQL per dialect.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.jdbc;

import org.jspecify.annotations.NullMarked;
