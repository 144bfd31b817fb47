package dev.distlock.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A DataSource that counts the calls that send something to the database and wait for its answer:
 * each statement executed, and each commit or rollback. Everything else the backend calls on a
 * connection (preparing a statement, setting a timeout, reading metadata or generated keys, the
 * autocommit flag when it does not change) stays in the driver, so this count is the number of
 * round trips the backend asked for. Not thread-safe in what it means: count one caller at a time.
 */
final class StatementCountingDataSource extends DelegatingDataSource {

    private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate",
            "executeLargeUpdate", "executeBatch", "executeLargeBatch");

    private final AtomicInteger roundTrips = new AtomicInteger();

    StatementCountingDataSource(DataSource target) {
        super(target);
    }

    /** The round trips since the last call, and starts counting again from zero. */
    int takeCount() {
        return roundTrips.getAndSet(0);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return counting(Connection.class, super.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return counting(Connection.class, super.getConnection(username, password));
    }

    private <T> T counting(Class<T> type, T target) {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (EXECUTIONS.contains(name) || name.equals("commit") || name.equals("rollback")) {
                roundTrips.incrementAndGet();
            }
            Object result = invoke(target, method, args);
            if (result instanceof CallableStatement statement) {
                return counting(CallableStatement.class, statement);
            }
            if (result instanceof PreparedStatement statement) {
                return counting(PreparedStatement.class, statement);
            }
            if (result instanceof Statement statement) {
                return counting(Statement.class, statement);
            }
            return result;
        };
        return type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
