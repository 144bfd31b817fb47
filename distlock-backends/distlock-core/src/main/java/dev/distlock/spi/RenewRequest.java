package dev.distlock.spi;

import java.time.Duration;

/**
 * One lease of a {@link LockBackend#renewAll(java.util.List)} batch: extend {@code owner}'s hold of
 * {@code key} to {@code ttl} from when the batch is sent.
 */
public record RenewRequest(String key, String owner, Duration ttl) {
}
