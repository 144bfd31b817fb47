package dev.distlock.jdbc;

import dev.distlock.spi.LockBackend;
import dev.distlock.tck.LostGrantReplyContract;

/** PostgreSQL: the INSERT/UPDATE of a grant commits on its own (autocommit) before its reply is read. */
class PostgresLostGrantReplyIT extends LostGrantReplyContract {

    @Override
    protected Store startStore() {
        TestDatabase database = TestDatabase.create(TestDatabase.Kind.POSTGRESQL, "lost_reply");
        return new Store() {
            @Override
            public int port() {
                return database.port();
            }

            @Override
            public LockBackend backendOn(int port) {
                return JdbcLockBackend.create(JdbcSettings.builder(database.poolOn(port)).initializeSchema(true).build());
            }

            @Override
            public void close() {
                try {
                    database.close();
                } catch (Exception e) {
                    throw new IllegalStateException("Could not drop the test database", e);
                }
            }
        };
    }
}
