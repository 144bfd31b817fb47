package dev.distlock.autoconfigure;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The lock stores distlock can use, as {@code distlock.backend} names them: {@code redis},
 * {@code etcd}, {@code zookeeper}, {@code jdbc}, {@code in-memory}.
 */
public enum LockBackendType {

    REDIS,
    ETCD,
    ZOOKEEPER,
    JDBC,
    /** Locks within this JVM only: for tests and single-instance applications. */
    IN_MEMORY;

    /** The value as written in {@code distlock.backend}, e.g. {@code in-memory}. */
    public String propertyValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The backend module's Maven coordinates, {@code dev.distlock:distlock-<value>}: each is named after its value. */
    public String moduleCoordinates() {
        return "dev.distlock:distlock-" + propertyValue();
    }

    /** Every value {@code distlock.backend} accepts, for error messages. */
    public static List<String> propertyValues() {
        return Arrays.stream(values()).map(LockBackendType::propertyValue).toList();
    }
}
