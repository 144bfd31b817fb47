package dev.distlock.autoconfigure;

import java.util.List;

import org.springframework.boot.test.context.FilteredClassLoader;

/**
 * The build puts every backend module on the test class path; a test that means some of them to be
 * absent hides them with these class loaders (by package: the autoconfigure classes of each backend
 * live under {@code dev.distlock.autoconfigure}, so they stay visible).
 */
public final class BackendModules {

    public static final List<String> PACKAGES = List.of("dev.distlock.redis", "dev.distlock.etcd",
            "dev.distlock.zookeeper", "dev.distlock.jdbc");

    private BackendModules() {
    }

    /** No backend module at all: the only case in which distlock falls back to in-memory locks. */
    public static FilteredClassLoader none() {
        return new FilteredClassLoader(PACKAGES.toArray(String[]::new));
    }

    /** Only the module whose classes live in {@code modulePackage}, e.g. {@code dev.distlock.redis}. */
    public static FilteredClassLoader only(String modulePackage) {
        if (!PACKAGES.contains(modulePackage)) {
            throw new IllegalArgumentException(modulePackage + " is none of " + PACKAGES);
        }
        return new FilteredClassLoader(PACKAGES.stream().filter(other -> !other.equals(modulePackage)).toArray(String[]::new));
    }
}
