/**
 * JMH benchmarks of the JDBC backend on MariaDB: uncontended, contended and hand-off.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.benchmarks.mariadb;

import org.jspecify.annotations.NullMarked;
