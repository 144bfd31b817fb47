package dev.distlock.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;

/** The contract suite on a H2 in-memory database; waiters poll. */
class H2JdbcLockBackendContractTest extends LockBackendContract {

    @RegisterExtension
    static final ContractTestDatabase database = new ContractTestDatabase(TestDatabase.Kind.H2, "contract");

    @Override
    protected LockBackend newBackend() {
        return database.newBackend();
    }
}
