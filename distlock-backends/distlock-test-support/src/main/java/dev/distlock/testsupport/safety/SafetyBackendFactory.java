package dev.distlock.testsupport.safety;

import dev.distlock.spi.LockBackend;

/**
 * Builds a backend in a safety client JVM from a {@link BackendSpec}. Each backend module provides
 * one in its test sources (test-support cannot depend on the backend modules); the harness names
 * it by class to the child JVM, which instantiates it through its public no-argument constructor.
 */
public interface SafetyBackendFactory {

    /** A new backend on the store the spec names; the client closes it when it stops. */
    LockBackend create(BackendSpec spec);
}
