package dev.distlock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JdbcSettingsTest {

    private final JdbcDataSource dataSource = new JdbcDataSource();

    @ParameterizedTest
    @ValueSource(strings = {"distlock_locks", "LOCKS", "app.distlock_locks", "_x1"})
    void identifiersAreAcceptedAsTableNames(String tableName) {
        assertThat(JdbcSettings.builder(dataSource).tableName(tableName).build().tableName()).isEqualTo(tableName);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1locks", "locks; DROP TABLE users", "locks--", "\"locks\"", "a.b.c", "lo cks",
            "täble", "x23456789012345678901234567890123456789012345678901234567890abcd"})
    void anythingElseIsRejectedNamingTheProperty(String tableName) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> JdbcSettings.builder(dataSource).tableName(tableName).build())
                .withMessageContaining("distlock.jdbc.table-name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PostgreSQL", "MySQL", "MariaDB", "H2", "Oracle", "Microsoft SQL Server"})
    void dialectFollowsTheProductName(String product) {
        JdbcDialect expected = switch (product) {
            case "PostgreSQL" -> JdbcDialect.POSTGRESQL;
            case "MySQL", "MariaDB" -> JdbcDialect.MYSQL;
            case "H2" -> JdbcDialect.H2;
            default -> JdbcDialect.PORTABLE;
        };
        assertThat(DialectDetector.fromProductName(product)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT-1S"})
    void timesMustBePositive(String duration) {
        assertThatIllegalArgumentException().isThrownBy(
                () -> JdbcSettings.builder(dataSource).statementTimeout(Duration.parse(duration)).build());
        assertThatIllegalArgumentException().isThrownBy(
                () -> JdbcSettings.builder(dataSource).purgeExpiredAfter(Duration.parse(duration)).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"POSTGRESQL", "MYSQL", "H2", "PORTABLE"})
    void everyDialectShipsTheTableAndItsTokenSource(JdbcDialect dialect) {
        List<String> statements = SchemaInitializer.statements(SchemaInitializer.read(dialect.schemaResource()));
        assertThat(statements.get(0)).startsWith("CREATE TABLE").contains("distlock_locks (");
        assertThat(statements.subList(1, statements.size())).isNotEmpty()
                .allSatisfy(ddl -> assertThat(ddl).contains("distlock_locks_tokens"));
        assertThat(statements).noneSatisfy(ddl -> assertThat(ddl).contains("--"));
    }
}
