package dev.distlock.fencing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.distlock.LockOptions;
import dev.distlock.StaleLockTokenException;
import dev.distlock.engine.LockEngine;
import dev.distlock.fencing.LeaseRequiredException;
import dev.distlock.inmemory.InMemoryLockBackend;

/**
 * What {@link FencedJdbc} must do on every database: each subclass gives a database and the DDL
 * that docs/fencing.md shows for it, and the same guarded updates run there.
 */
abstract class FencedJdbcContract {

    private static final LockOptions OPTIONS = LockOptions.of(Duration.ofSeconds(30), Duration.ofSeconds(5));

    private LockEngine locks;
    protected JdbcClient jdbc;
    protected FencedJdbc fenced;

    /** The database, with no table {@code accounts} in it yet. */
    protected abstract DataSource dataSource();

    /** The documented DDL that adds the fence column to an existing table. */
    protected abstract String addFenceColumnSql();

    @BeforeEach
    void createAccounts() {
        jdbc = JdbcClient.create(dataSource());
        jdbc.sql("DROP TABLE IF EXISTS accounts").update();
        jdbc.sql("CREATE TABLE accounts (id VARCHAR(64) NOT NULL PRIMARY KEY, balance BIGINT NOT NULL)").update();
        jdbc.sql("INSERT INTO accounts (id, balance) VALUES ('a', 100), ('b', 100)").update();
        jdbc.sql(addFenceColumnSql()).update();
        fenced = new FencedJdbc(dataSource());
        locks = LockEngine.builder(new InMemoryLockBackend()).namespace("fencing").build();
    }

    @AfterEach
    void closeLocks() {
        locks.close();
    }

    @Test
    void existingRowsStartAtTokenZeroAfterTheDocumentedDdl() {
        assertThat(fence("a")).isZero();
    }

    @Test
    void writeUnderTheCurrentLeaseStampsItsToken() {
        long token = locks.callLocked("account:a", OPTIONS, () -> {
            int written = fenced.update("accounts").set("balance = balance - ?", 10).where("id = ?", "a").execute();
            assertThat(written).isOne();
            return dev.distlock.LockContext.currentLease().orElseThrow().fencingToken();
        });
        assertThat(balance("a")).isEqualTo(90);
        assertThat(fence("a")).isEqualTo(token);
    }

    @Test
    void writeWithAnOlderTokenIsRefusedNamingTheRowsAndBothTokens() {
        fenced.update("accounts").set("balance = ?", 50).where("id = ?", "a").token(7).execute();

        assertThatThrownBy(() -> fenced.update("accounts").set("balance = ?", 0).where("id = ?", "a").token(5).execute())
                .isInstanceOfSatisfying(StaleLockTokenException.class, e -> {
                    assertThat(e.key()).isEqualTo("accounts WHERE id = ? [a]");
                    assertThat(e.presentedToken()).isEqualTo(5);
                    assertThat(e.storedToken()).isEqualTo(7);
                    assertThat(e.lockKey()).isNull();
                })
                .hasMessageContaining("accounts WHERE id = ? [a]").hasMessageContaining("token 5")
                .hasMessageContaining("newer token 7");
        assertThat(balance("a")).isEqualTo(50);
        assertThat(fence("a")).isEqualTo(7);
    }

    @Test
    void refusalUnderALeaseNamesItsLock() {
        fenced.update("accounts").set("balance = ?", 50).where("id = ?", "a").token(Long.MAX_VALUE).execute();

        assertThatThrownBy(() -> locks.callLocked("account:a", OPTIONS,
                () -> fenced.update("accounts").set("balance = ?", 0).where("id = ?", "a").execute()))
                .isInstanceOfSatisfying(StaleLockTokenException.class,
                        e -> assertThat(e.lockKey()).isEqualTo("fencing:account:a"))
                .hasMessageContaining("lock 'fencing:account:a'");
    }

    @Test
    void sameTokenMayWriteAgainAndANewerOneGoesOn() {
        assertThat(fenced.update("accounts").set("balance = ?", 1).where("id = ?", "a").token(3).execute()).isOne();
        assertThat(fenced.update("accounts").set("balance = ?", 2).where("id = ?", "a").token(3).execute()).isOne();
        assertThat(fenced.update("accounts").set("balance = ?", 3).where("id = ?", "a").token(4).execute()).isOne();
        assertThat(balance("a")).isEqualTo(3);
        assertThat(fence("a")).isEqualTo(4);
    }

    @Test
    void rowsOfOtherKeysAreNotFenced() {
        fenced.update("accounts").set("balance = ?", 1).where("id = ?", "a").token(9).execute();
        assertThat(fenced.update("accounts").set("balance = ?", 2).where("id = ?", "b").token(1).execute()).isOne();
    }

    @Test
    void noRowWithTheKeyIsNoRefusal() {
        assertThat(fenced.update("accounts").set("balance = ?", 1).where("id = ?", "missing").token(1).execute()).isZero();
    }

    @Test
    void aWriteOutsideAnyLockWithoutATokenIsNotSent() {
        assertThatThrownBy(() -> fenced.update("accounts").set("balance = ?", 0).where("id = ?", "a").execute())
                .isInstanceOf(LeaseRequiredException.class).hasMessageContaining("No distlock lease on this thread");
        assertThat(balance("a")).isEqualTo(100);
    }

    @Test
    void insideATransactionTheWriteCommitsAndRollsBackWithIt() {
        TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource()));
        transaction.executeWithoutResult(status -> {
            fenced.update("accounts").set("balance = ?", 1).where("id = ?", "a").token(2).execute();
            status.setRollbackOnly();
        });
        assertThat(balance("a")).isEqualTo(100);
        assertThat(fence("a")).isZero();

        fenced.update("accounts").set("balance = ?", 5).where("id = ?", "b").token(8).execute();
        // A stale write in the transaction rolls back what the transaction wrote before it.
        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
            fenced.update("accounts").set("balance = ?", 1).where("id = ?", "a").token(6).execute();
            fenced.update("accounts").set("balance = ?", 1).where("id = ?", "b").token(6).execute();
        })).isInstanceOf(StaleLockTokenException.class);
        assertThat(balance("a")).isEqualTo(100);
        assertThat(balance("b")).isEqualTo(5);
    }

    @Test
    void refusalInsideATransactionWhoseSnapshotPredatesTheNewerWriteStillSeesIt() {
        TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource()));
        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
            assertThat(fence("a")).isZero(); // takes the snapshot (REPEATABLE READ on MariaDB)
            writeOnAnotherConnection("UPDATE accounts SET balance = 7, fence_token = 9 WHERE id = 'a'");
            fenced.update("accounts").set("balance = ?", 1).where("id = ?", "a").token(5).execute();
        })).isInstanceOfSatisfying(StaleLockTokenException.class, e -> assertThat(e.storedToken()).isEqualTo(9));
        assertThat(balance("a")).isEqualTo(7);
    }

    private void writeOnAnotherConnection(String sql) {
        try (java.sql.Connection connection = dataSource().getConnection();
             java.sql.Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aGuardedUpdateNeedsItsRows() {
        assertThatThrownBy(() -> fenced.update("accounts").set("balance = ?", 0).token(1).execute())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs where(...)");
    }

    @Test
    void tableAndColumnNamesMustBeIdentifiers() {
        assertThatThrownBy(() -> fenced.update("accounts; DROP TABLE accounts"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a plain SQL identifier");
        assertThatThrownBy(() -> fenced.withFenceColumn("fence_token OR 1=1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anotherFenceColumnCanBeNamed() {
        jdbc.sql(addFenceColumnSql().replace("fence_token", "lock_token")).update();
        FencedJdbc other = fenced.withFenceColumn("lock_token");
        other.update("accounts").set("balance = ?", 1).where("id = ?", "a").token(4).execute();
        assertThat(jdbc.sql("SELECT lock_token FROM accounts WHERE id = 'a'").query(Long.class).single()).isEqualTo(4);
        assertThat(fence("a")).isZero();
    }

    protected long balance(String id) {
        return jdbc.sql("SELECT balance FROM accounts WHERE id = ?").param(id).query(Long.class).single();
    }

    protected long fence(String id) {
        return jdbc.sql("SELECT fence_token FROM accounts WHERE id = ?").param(id).query(Long.class).single();
    }
}
