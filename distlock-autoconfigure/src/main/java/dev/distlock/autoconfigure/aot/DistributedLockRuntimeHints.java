package dev.distlock.autoconfigure.aot;

import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

import dev.distlock.DistributedLock;
import dev.distlock.OnLocked;
import dev.distlock.autoconfigure.interceptor.LockExpressionRoot;

/**
 * What distlock reaches by reflection or loads as a resource, for an application processed ahead of
 * time and compiled to a native image (on the JVM these hints change nothing). The key types of each
 * locked method come from {@link LockedMethodsAotProcessor}, since only the application knows them.
 */
class DistributedLockRuntimeHints implements RuntimeHintsRegistrar {

    /** Opened by name only when the connection is PostgreSQL's, to LISTEN for releases. */
    static final String POSTGRES_CONNECTION = "org.postgresql.PGConnection";

    /** The JDBC backend's CREATE TABLE statements, one per dialect, read when it initialises its schema. */
    static final String JDBC_SCHEMAS = "dev/distlock/jdbc/schema-*.sql";

    @Override
    public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
        // the interceptor reads the annotation's attributes through Spring's merged annotations
        hints.reflection().registerType(DistributedLock.class, MemberCategory.INVOKE_DECLARED_METHODS);
        hints.reflection().registerType(OnLocked.class, MemberCategory.INVOKE_PUBLIC_METHODS);
        // #root.method, #root.args, #root.target: SpEL calls the getters reflectively
        hints.reflection().registerType(LockExpressionRoot.class, MemberCategory.INVOKE_PUBLIC_METHODS);
        hints.resources().registerPattern(JDBC_SCHEMAS);
        hints.reflection().registerType(TypeReference.of(POSTGRES_CONNECTION), MemberCategory.INVOKE_PUBLIC_METHODS);
    }
}
