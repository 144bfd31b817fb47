package dev.distlock.autoconfigure.backend;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;

import dev.distlock.autoconfigure.LockBackendType;

/**
 * Which backend {@code distlock.backend} and the classpath choose. When the property is set, that
 * backend, if its module and connection are present. When it is not: the single detectable
 * candidate that is present with a configured connection ({@link LockBackendCandidate#missingConnection});
 * none present means in-memory ({@link #fallback()}); several fail.
 *
 * @param requested the bound {@code distlock.backend}, or null when not set
 * @param chosen    the backend to configure, or null when none can be (see {@link #failure()})
 * @param fallback  in-memory was chosen because nothing else was present and nothing was asked for
 */
public record LockBackendSelection(LockBackendType requested, LockBackendCandidate chosen, boolean fallback,
                                   LockBackendNotAvailableException failure) {

    static final String PROPERTY = "distlock.backend";

    /**
     * Binds {@code distlock.backend} (an unknown value fails with Boot's {@code BindException},
     * which {@link LockBackendFailureAnalyzer} explains) and asks every candidate.
     */
    public static LockBackendSelection select(Environment environment, ClassLoader classLoader,
                                              ConfigurableListableBeanFactory beanFactory) {
        LockBackendType requested = Binder.get(environment).bind(PROPERTY, LockBackendType.class).orElse(null);
        return select(requested, LockBackendConfigurations.candidates(), classLoader, beanFactory, environment);
    }

    static LockBackendSelection select(LockBackendType requested, List<LockBackendCandidate> candidates,
                                       ClassLoader classLoader, ConfigurableListableBeanFactory beanFactory) {
        return select(requested, candidates, classLoader, beanFactory, new StandardEnvironment());
    }

    static LockBackendSelection select(LockBackendType requested, List<LockBackendCandidate> candidates,
                                       ClassLoader classLoader, ConfigurableListableBeanFactory beanFactory,
                                       Environment environment) {
        if (requested != null) {
            return selectRequested(requested, candidates, classLoader, beanFactory);
        }
        List<LockBackendCandidate> present = candidates.stream()
                .filter(LockBackendCandidate::detectable)
                .filter(candidate -> candidate.missing(classLoader, beanFactory).isEmpty())
                .filter(candidate -> candidate.missingConnection(classLoader, beanFactory, environment).isEmpty())
                .toList();
        if (present.size() == 1) {
            return new LockBackendSelection(null, present.get(0), false, null);
        }
        if (present.isEmpty()) {
            return new LockBackendSelection(null, forType(candidates, LockBackendType.IN_MEMORY), true, null);
        }
        String names = present.stream().map(candidate -> candidate.type().propertyValue()).collect(Collectors.joining(", "));
        return failed(null, new LockBackendNotAvailableException(
                PROPERTY + " is not set and several lock backends are present: " + names
                        + ". distlock does not guess which one the application means.",
                "Set " + PROPERTY + " to one of: " + names + " (or in-memory for locks local to this JVM)."));
    }

    private static LockBackendSelection selectRequested(LockBackendType requested, List<LockBackendCandidate> candidates,
                                                        ClassLoader classLoader, ConfigurableListableBeanFactory beanFactory) {
        LockBackendCandidate candidate = forType(candidates, requested);
        if (candidate == null) {
            return failed(requested, new LockBackendNotAvailableException(
                    PROPERTY + " is '" + requested.propertyValue() + "', but this version of distlock-autoconfigure"
                            + " cannot configure the " + requested.propertyValue() + " backend yet.",
                    "Set " + PROPERTY + " to one of the backends this version supports: " + choices(candidates, classLoader, beanFactory)
                            + ", or define a LockBackend bean yourself."));
        }
        Optional<String> missing = candidate.missing(classLoader, beanFactory);
        if (missing.isPresent()) {
            return failed(requested, new LockBackendNotAvailableException(
                    PROPERTY + " is '" + requested.propertyValue() + "', but the " + requested.propertyValue()
                            + " backend cannot be configured: " + missing.get() + " is missing.",
                    "Add " + missing.get() + ", or set " + PROPERTY + " to one of: "
                            + choices(candidates, classLoader, beanFactory) + "."));
        }
        return new LockBackendSelection(requested, candidate, false, null);
    }

    /**
     * The detectable backends whose module is present but whose connection is not configured, each
     * with what it needs, e.g. "etcd (needs a jetcd Client bean or distlock.etcd.endpoints)": what
     * the in-memory fallback's warning names, since adding a module and forgetting its connection
     * would otherwise go unnoticed.
     */
    public static List<String> withoutConnection(Environment environment, ClassLoader classLoader,
                                                 ConfigurableListableBeanFactory beanFactory) {
        return LockBackendConfigurations.candidates().stream()
                .filter(LockBackendCandidate::detectable)
                .filter(candidate -> candidate.missing(classLoader, beanFactory).isEmpty())
                .flatMap(candidate -> candidate.missingConnection(classLoader, beanFactory, environment)
                        .map(missing -> candidate.type().propertyValue() + " (needs " + missing + ")").stream())
                .toList();
    }

    /** Every supported backend, each with what it still lacks, e.g. "redis (needs a RedisConnectionFactory bean)". */
    static String choices(List<LockBackendCandidate> candidates, ClassLoader classLoader, ConfigurableListableBeanFactory beanFactory) {
        return candidates.stream()
                .map(candidate -> candidate.type().propertyValue()
                        + candidate.missing(classLoader, beanFactory).map(missing -> " (needs " + missing + ")").orElse(""))
                .collect(Collectors.joining(", "));
    }

    private static LockBackendCandidate forType(List<LockBackendCandidate> candidates, LockBackendType type) {
        return candidates.stream().filter(candidate -> candidate.type() == type).findFirst().orElse(null);
    }

    private static LockBackendSelection failed(LockBackendType requested, LockBackendNotAvailableException failure) {
        return new LockBackendSelection(requested, null, false, failure);
    }
}
