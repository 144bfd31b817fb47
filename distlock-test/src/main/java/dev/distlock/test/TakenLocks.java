package dev.distlock.test;

import java.util.List;

/** The locks granted while a call ran, in grant order, with assertions that name what was expected. */
public record TakenLocks(List<LockTester.TakenLock> grants) {

    /** The full keys granted, {@code <namespace>:<name>:<key value>}. */
    public List<String> keys() {
        return grants.stream().map(LockTester.TakenLock::key).toList();
    }

    /** Fails unless a lock with this full key was granted. */
    public TakenLocks assertLocked(String fullKey) {
        if (!keys().contains(fullKey)) {
            throw new AssertionError("Expected lock '" + fullKey + "' to be taken during the call, but " + describe());
        }
        return this;
    }

    /** Fails unless a lock of this name (the annotation's {@code name}, e.g. {@code OrderService.pay}) was granted. */
    public TakenLocks assertLockedByName(String name) {
        if (grants.stream().noneMatch(grant -> grant.name().equals(name))) {
            throw new AssertionError("Expected a lock named '" + name + "' to be taken during the call, but " + describe());
        }
        return this;
    }

    /** Fails if any lock was granted. */
    public TakenLocks assertNoLock() {
        if (!grants.isEmpty()) {
            throw new AssertionError("Expected no lock to be taken during the call, but " + describe());
        }
        return this;
    }

    private String describe() {
        return grants.isEmpty() ? "none was" : "these were: " + keys();
    }
}
