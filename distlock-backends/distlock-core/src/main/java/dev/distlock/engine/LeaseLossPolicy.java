package dev.distlock.engine;

/** What the engine does, besides marking the lease invalid and counting it, when a held lease is lost. */
public enum LeaseLossPolicy {

    /** Log a warning; the holder finds out through {@code Lease.isValid()} or a rejected fencing token. */
    LOG,

    /** Log and interrupt the thread that acquired the lock, so that blocking work stops early. */
    INTERRUPT
}
