/**
 * Locks of {@code @Scheduled(cron = ...)} methods: each fire time runs at most once across replicas.
 * Nothing here takes or returns {@code null} unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.distlock.autoconfigure.scheduling;

import org.jspecify.annotations.NullMarked;
