/** Guarded SQL updates that refuse a stale lock holder in the same statement: {@link dev.distlock.fencing.jdbc.FencedJdbc}. */
@NullMarked
package dev.distlock.fencing.jdbc;

import org.jspecify.annotations.NullMarked;
