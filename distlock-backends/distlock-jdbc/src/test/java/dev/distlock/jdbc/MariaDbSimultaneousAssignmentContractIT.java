package dev.distlock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LockBackendContract;

/**
 * The contract suite on MariaDB with {@code SIMULTANEOUS_ASSIGNMENT} in the sql_mode: every
 * assignment of an UPDATE (and of ON DUPLICATE KEY UPDATE) then reads the row as it was, not as the
 * assignments to its left left it. A takeover statement that relied on left-to-right evaluation
 * would grant a key and keep its expired time, so that the next client is granted it too.
 */
class MariaDbSimultaneousAssignmentContractIT extends LockBackendContract {

    /** The server's default modes plus SIMULTANEOUS_ASSIGNMENT, for every connection of the pool. */
    private static final String SQL_MODE =
            "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,SIMULTANEOUS_ASSIGNMENT";

    @RegisterExtension
    static final ContractTestDatabase database = new ContractTestDatabase(TestDatabase.Kind.MARIADB,
            "simultaneous", UnaryOperator.identity(),
            config -> config.setJdbcUrl(config.getJdbcUrl() + "?sessionVariables=sql_mode='" + SQL_MODE + "'"));

    @Override
    protected LockBackend newBackend() {
        return database.newBackend();
    }

    /** Without this the suite above could pass on a mode that was silently not applied. */
    @Test
    void everyConnectionOfTheSuiteAssignsSimultaneously() throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT @@SESSION.sql_mode")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).contains("SIMULTANEOUS_ASSIGNMENT");
        }
    }
}
