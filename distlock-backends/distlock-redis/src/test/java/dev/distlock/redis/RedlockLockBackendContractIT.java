package dev.distlock.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;

/** The contract suite in Redlock mode over five redis-server processes started for this class. */
class RedlockLockBackendContractIT extends LockBackendContract {

    @RegisterExtension
    static final RedlockServers servers = new RedlockServers(5);

    @Override
    protected LockBackend newBackend() {
        return new RedlockLockBackend(servers.settings());
    }
}
