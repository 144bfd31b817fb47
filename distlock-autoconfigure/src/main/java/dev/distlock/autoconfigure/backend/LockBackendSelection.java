package dev.distlock.autoconfigure.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import dev.distlock.autoconfigure.LockBackendType;
import dev.distlock.autoconfigure.backend.LockBackendCandidate.Missing;

/**
 * Which backend {@code distlock.backend} and the class path choose. Fails closed: a backend module
 * on the class path is the application's sign that it wants distributed locks, so it never yields
 * in-memory locks; when it cannot be configured, start-up fails saying what is missing.
 *
 * <ul>
 * <li>Property set: that backend, if its module and connection are present; else a failure.</li>
 * <li>Not set, no backend module present: in-memory ({@link #fallback()}).</li>
 * <li>Not set, modules present: the single one that can be configured (module and connection,
 *     {@link LockBackendCandidate#missingConnection}); several fail, and none fails naming what
 *     each lacks.</li>
 * </ul>
 *
 * @param requested the bound {@code distlock.backend}, or null when not set
 * @param chosen    the backend to configure, or null when none can be (see {@link #failure()})
 * @param fallback  in-memory was chosen because no backend module is present and nothing was asked for
 */
public record LockBackendSelection(@Nullable LockBackendType requested, @Nullable LockBackendCandidate chosen, boolean fallback,
                                   @Nullable LockBackendNotAvailableException failure) {

    static final String PROPERTY = "distlock.backend";
    private static final String IN_MEMORY_ON_PURPOSE = "set " + PROPERTY + "=in-memory to use locks local to this JVM on purpose";
    private static final String NO_FALLBACK = " distlock does not fall back to in-memory locks, which exclude nothing across instances.";

    /**
     * Binds {@code distlock.backend} (an unknown value fails with Boot's {@code BindException},
     * which {@link LockBackendFailureAnalyzer} explains) and asks every candidate.
     */
    public static LockBackendSelection select(Environment environment, ClassLoader classLoader,
                                              ConfigurableListableBeanFactory beanFactory) {
        Binder binder = Binder.get(environment);
        LockBackendType requested = binder.bind(PROPERTY, LockBackendType.class).orElse(null);
        return select(requested, LockBackendConfigurations.candidates(), new CandidateContext(classLoader, beanFactory, binder));
    }

    static LockBackendSelection select(LockBackendType requested, List<LockBackendCandidate> candidates,
                                       CandidateContext context) {
        if (requested != null) {
            return selectRequested(requested, candidates, context);
        }
        List<LockBackendCandidate> modules = candidates.stream()
                .filter(LockBackendCandidate::detectable)
                .filter(candidate -> candidate.modulePresent(context.classLoader()))
                .toList();
        if (modules.isEmpty()) {
            return new LockBackendSelection(null, forType(candidates, LockBackendType.IN_MEMORY), true, null);
        }
        List<LockBackendCandidate> ready = modules.stream()
                .filter(candidate -> detectionMissing(candidate, context).isEmpty())
                .toList();
        if (ready.size() == 1) {
            return new LockBackendSelection(null, ready.get(0), false, null);
        }
        if (ready.size() > 1) {
            String names = names(ready);
            return failed(null, new LockBackendNotAvailableException(
                    PROPERTY + " is not set and several lock backends are present: " + names
                            + ". distlock does not guess which one the application means.",
                    "Set " + PROPERTY + " to one of: " + names + " (or in-memory for locks local to this JVM)."));
        }
        if (modules.size() == 1) {
            LockBackendCandidate module = modules.get(0);
            Missing missing = detectionMissing(module, context).orElseThrow();
            String type = module.type().propertyValue();
            return failed(null, new LockBackendNotAvailableException(
                    PROPERTY + " is not set and the " + type + " backend is the only lock backend module on the class path ("
                            + module.type().moduleCoordinates() + "), but it cannot be configured: " + missing.what() + " is missing."
                            + NO_FALLBACK,
                    missing.howToAddSentence() + "; or " + IN_MEMORY_ON_PURPOSE + "."));
        }
        List<String> lacks = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        for (LockBackendCandidate module : modules) {
            Missing missing = detectionMissing(module, context).orElseThrow();
            lacks.add(module.type().propertyValue() + " lacks " + missing.what());
            fixes.add(module.type().propertyValue() + ": " + missing.howToAdd());
        }
        return failed(null, new LockBackendNotAvailableException(
                PROPERTY + " is not set and several lock backend modules are on the class path (" + names(modules)
                        + "), but none of them can be configured: " + String.join("; ", lacks) + "." + NO_FALLBACK,
                "Set " + PROPERTY + " to the backend you mean and give it its connection (" + String.join("; ", fixes)
                        + "), or " + IN_MEMORY_ON_PURPOSE + "."));
    }

    private static LockBackendSelection selectRequested(LockBackendType requested, List<LockBackendCandidate> candidates,
                                                        CandidateContext context) {
        LockBackendCandidate candidate = forType(candidates, requested);
        if (candidate == null) {
            return failed(requested, new LockBackendNotAvailableException(
                    PROPERTY + " is '" + requested.propertyValue() + "', but this version of distlock-autoconfigure"
                            + " cannot configure the " + requested.propertyValue() + " backend yet.",
                    "Set " + PROPERTY + " to one of the backends this version supports: " + choices(candidates, context)
                            + ", or define a LockBackend bean yourself."));
        }
        Optional<Missing> missing = candidate.missing(context);
        if (missing.isPresent()) {
            return failed(requested, new LockBackendNotAvailableException(
                    PROPERTY + " is '" + requested.propertyValue() + "', but the " + requested.propertyValue()
                            + " backend cannot be configured: " + missing.get().what() + " is missing.",
                    missing.get().howToAddSentence() + ", or set " + PROPERTY + " to one of: "
                            + choices(candidates, context) + "."));
        }
        return new LockBackendSelection(requested, candidate, false, null);
    }

    /** What keeps a candidate from being chosen by detection: anything it needs when named, then its connection. */
    private static Optional<Missing> detectionMissing(LockBackendCandidate candidate, CandidateContext context) {
        return candidate.missing(context)
                .or(() -> candidate.missingConnection(context));
    }

    /** Every supported backend, each with what it still lacks, e.g. "redis (needs a RedisConnectionFactory bean)". */
    static String choices(List<LockBackendCandidate> candidates, CandidateContext context) {
        return candidates.stream()
                .map(candidate -> candidate.type().propertyValue()
                        + candidate.missing(context).map(missing -> " (needs " + missing.what() + ")").orElse(""))
                .collect(Collectors.joining(", "));
    }

    private static String names(List<LockBackendCandidate> candidates) {
        return candidates.stream().map(candidate -> candidate.type().propertyValue()).collect(Collectors.joining(", "));
    }

    private static @Nullable LockBackendCandidate forType(List<LockBackendCandidate> candidates, LockBackendType type) {
        return candidates.stream().filter(candidate -> candidate.type() == type).findFirst().orElse(null);
    }

    private static LockBackendSelection failed(LockBackendType requested, LockBackendNotAvailableException failure) {
        return new LockBackendSelection(requested, null, false, failure);
    }
}
