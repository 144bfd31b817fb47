/**
 * The etcd backend (jetcd): leases, a create-revision queue and watches.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.etcd;

import org.jspecify.annotations.NullMarked;
