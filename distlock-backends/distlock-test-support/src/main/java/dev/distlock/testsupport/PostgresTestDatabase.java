package dev.distlock.testsupport;

/**
 * A database of its own on the machine's PostgreSQL (127.0.0.1:5432, user postgres, trust
 * authentication; override with -Ddistlock.test.postgres.host/port/user), created for one test class
 * and dropped by {@link #close()}. A database rather than a schema: LISTEN/NOTIFY channels are per
 * database, so test classes cannot wake each other. Needs the PostgreSQL driver on the test classpath.
 */
public final class PostgresTestDatabase implements AutoCloseable {

    private static final String HOST = System.getProperty("distlock.test.postgres.host", "127.0.0.1");
    private static final String PORT = System.getProperty("distlock.test.postgres.port", "5432");
    private static final String USER = System.getProperty("distlock.test.postgres.user", "postgres");
    private static final String INSTALL_HINT = "PostgreSQL must run on " + HOST + ":" + PORT + " with trust "
            + "authentication for user " + USER + ": run scripts/test-servers.sh (it installs it with "
            + "apt-get install -y postgresql and starts it)";
    /** Unable to connect, connection rejected, or the user not let in (no trust authentication). */
    private static final LocalDatabaseServer SERVER = new LocalDatabaseServer("PostgreSQL",
            "jdbc:postgresql://" + HOST + ":" + PORT + "/", "postgres", USER,
            state -> "08001".equals(state) || "08004".equals(state) || "28000".equals(state), INSTALL_HINT);

    private final String name;

    private PostgresTestDatabase(String name) {
        this.name = name;
    }

    /** Creates {@code distlock_<purpose>_<random>}. */
    public static PostgresTestDatabase create(String purpose) {
        String name = LocalDatabaseServer.uniqueName(purpose);
        SERVER.admin("CREATE DATABASE " + name);
        return new PostgresTestDatabase(name);
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return SERVER.url(name);
    }

    public String user() {
        return SERVER.user();
    }

    public String password() {
        return "";
    }

    /** Drops the database, closing any connection still open to it. */
    @Override
    public void close() {
        SERVER.admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
}
