package dev.distlock.autoconfigure.backend;

import java.util.Optional;

import org.springframework.util.ClassUtils;

import dev.distlock.autoconfigure.LockBackendType;

/**
 * A backend with a module of its own (distlock-redis, -etcd, -zookeeper, -jdbc): present when the
 * module's backend class is, and missing its module before anything else.
 */
public abstract class ModuleBackendCandidate implements LockBackendCandidate {

    private final LockBackendType type;
    private final Class<?> configurationClass;
    private final String backendClass;

    /** {@code backendClass} by name: the module is optional, and the candidate is loaded whether it is there or not. */
    protected ModuleBackendCandidate(LockBackendType type, Class<?> configurationClass, String backendClass) {
        this.type = type;
        this.configurationClass = configurationClass;
        this.backendClass = backendClass;
    }

    @Override
    public final LockBackendType type() {
        return type;
    }

    @Override
    public final Class<?> configurationClass() {
        return configurationClass;
    }

    @Override
    public final boolean modulePresent(ClassLoader classLoader) {
        return ClassUtils.isPresent(backendClass, classLoader);
    }

    @Override
    public final Optional<Missing> missing(CandidateContext context) {
        return modulePresent(context.classLoader()) ? missingBesidesModule(context) : Optional.of(Missing.module(type));
    }

    /** What else the backend lacks, its module being present: a dependency of the module, or its connection. */
    protected abstract Optional<Missing> missingBesidesModule(CandidateContext context);

    /** A dependency of the module that the application excluded, e.g. {@code io.etcd:jetcd-core}. */
    protected Missing moduleDependency(String coordinates) {
        String dependency = "the " + type.moduleCoordinates() + " module's " + coordinates + " dependency";
        return new Missing(dependency, "add " + dependency + " (do not exclude it)");
    }
}
