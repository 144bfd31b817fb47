package dev.distlock.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;

/** The contract suite with the portable SQL, the fallback for unknown databases, run on H2. */
class PortableSqlOnH2LockBackendContractTest extends LockBackendContract {

    @RegisterExtension
    static final ContractTestDatabase database = new ContractTestDatabase(TestDatabase.Kind.H2, "portable",
            settings -> settings.dialect(JdbcDialect.PORTABLE));

    @Override
    protected LockBackend newBackend() {
        return database.newBackend();
    }
}
