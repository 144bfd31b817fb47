package dev.distlock.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;

/** The contract suite on a real PostgreSQL, with LISTEN/NOTIFY for waiters. */
class PostgresJdbcLockBackendContractIT extends LockBackendContract {

    @RegisterExtension
    static final ContractTestDatabase database = new ContractTestDatabase(TestDatabase.Kind.POSTGRESQL, "contract");

    @Override
    protected LockBackend newBackend() {
        return database.newBackend();
    }
}
