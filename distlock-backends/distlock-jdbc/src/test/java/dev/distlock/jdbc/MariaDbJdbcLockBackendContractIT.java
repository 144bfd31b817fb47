package dev.distlock.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;

/** The contract suite on a real MariaDB (the MySQL dialect); waiters are marked (MySqlWaiterMarks) and watched (MySqlReleaseWatcher). */
class MariaDbJdbcLockBackendContractIT extends LockBackendContract {

    @RegisterExtension
    static final ContractTestDatabase database = new ContractTestDatabase(TestDatabase.Kind.MARIADB, "contract");

    @Override
    protected LockBackend newBackend() {
        return database.newBackend();
    }
}
