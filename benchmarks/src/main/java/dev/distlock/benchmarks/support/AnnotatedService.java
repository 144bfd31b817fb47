package dev.distlock.benchmarks.support;

import dev.distlock.DistributedLock;

/** The Spring bean whose annotated methods the benchmarks call through its proxy. */
public class AnnotatedService {

    /** The same options as {@link DistlockApiClient}: a 30 s lease, auto-renewed, waiting up to 30 s. */
    @DistributedLock(key = "#key", lease = "30s", waitFor = "30s")
    public void locked(String key) {
    }

    /** One lock per method: no key expression to evaluate. */
    @DistributedLock(lease = "30s", waitFor = "30s")
    public void lockedByName() {
    }

    /** Not annotated: the call a user would make without a lock, through the same proxy. */
    public void plain(String key) {
    }
}
