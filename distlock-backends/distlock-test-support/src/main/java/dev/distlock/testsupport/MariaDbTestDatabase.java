package dev.distlock.testsupport;

/**
 * A database of its own on the machine's MariaDB (127.0.0.1:3306, root without a password; override
 * with -Ddistlock.test.mariadb.host/port/user), created for one test class and dropped by
 * {@link #close()}. Needs the MariaDB driver on the test classpath.
 */
public final class MariaDbTestDatabase implements AutoCloseable {

    private static final String HOST = System.getProperty("distlock.test.mariadb.host", "127.0.0.1");
    private static final String PORT = System.getProperty("distlock.test.mariadb.port", "3306");
    private static final String USER = System.getProperty("distlock.test.mariadb.user", "root");
    private static final String INSTALL_HINT = "MariaDB must run on " + HOST + ":" + PORT + " for user " + USER
            + " without a password: run scripts/test-servers.sh (it installs it with "
            + "apt-get install -y mariadb-server and starts it)";
    /** Any connection exception (class 08) means the server is not there. */
    private static final LocalDatabaseServer SERVER = new LocalDatabaseServer("MariaDB",
            "jdbc:mariadb://" + HOST + ":" + PORT + "/", "", USER,
            state -> state != null && state.startsWith("08"), INSTALL_HINT);

    private final String name;

    private MariaDbTestDatabase(String name) {
        this.name = name;
    }

    /** Creates {@code distlock_<purpose>_<random>} with utf8mb4. */
    public static MariaDbTestDatabase create(String purpose) {
        String name = LocalDatabaseServer.uniqueName(purpose);
        SERVER.admin("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        return new MariaDbTestDatabase(name);
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

    @Override
    public void close() {
        SERVER.admin("DROP DATABASE IF EXISTS " + name);
    }
}
