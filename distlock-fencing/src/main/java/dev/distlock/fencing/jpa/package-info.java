/**
 * Guarded JPA updates with the same rule as the JDBC ones, through the JPA Criteria API only (no
 * provider hook): {@link dev.distlock.fencing.jpa.FencedJpa}.
 */
@NullMarked
package dev.distlock.fencing.jpa;

import org.jspecify.annotations.NullMarked;
