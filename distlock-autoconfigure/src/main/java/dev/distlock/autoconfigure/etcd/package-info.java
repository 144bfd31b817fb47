/**
 * Auto-configuration of the etcd backend.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.autoconfigure.etcd;

import org.jspecify.annotations.NullMarked;
