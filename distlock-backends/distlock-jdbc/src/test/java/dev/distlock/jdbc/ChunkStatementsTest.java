package dev.distlock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChunkStatementsTest {

    private final ChunkStatements statements =
            new ChunkStatements("UPDATE t SET x = ? WHERE key_hash IN ({keys}) AND ({leases})");

    @Test
    void eachChunkSizeIsBuiltOnceAndThenLookedUp() {
        String three = statements.forCount(3);

        assertThat(statements.forCount(3)).isSameAs(three);
        assertThat(statements.forCount(LockTableSql.RENEW_CHUNK)).isSameAs(statements.forCount(LockTableSql.RENEW_CHUNK));
    }

    @Test
    void aChunkHasOneKeyParameterAndOneOwnerCheckPerLease() {
        assertThat(statements.forCount(2)).isEqualTo("UPDATE t SET x = ? WHERE key_hash IN (?, ?) AND "
                + "((key_hash = ? AND owner = ?) OR (key_hash = ? AND owner = ?))");
    }
}
