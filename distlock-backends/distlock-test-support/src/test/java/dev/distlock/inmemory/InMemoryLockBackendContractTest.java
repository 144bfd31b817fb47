package dev.distlock.inmemory;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;

/** Every "instance" is the one in-memory store, as separate JVMs share one server. */
class InMemoryLockBackendContractTest extends LockBackendContract {

    private final InMemoryLockBackend store = new InMemoryLockBackend();

    @Override
    protected LockBackend newBackend() {
        return store;
    }
}
