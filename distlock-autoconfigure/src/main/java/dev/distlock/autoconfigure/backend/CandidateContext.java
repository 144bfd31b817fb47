package dev.distlock.autoconfigure.backend;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * What a {@link LockBackendCandidate} may look at while bean definitions are registered: the
 * application's class loader, the bean definitions (never beans), and the configuration properties
 * through a {@link Binder}, so that a candidate binds its backend's properties class as the
 * configuration will, rather than reading raw Environment keys. The one way a candidate reaches
 * the configuration; the backend configurations' beans get their bound properties by parameter.
 */
public record CandidateContext(ClassLoader classLoader, ConfigurableListableBeanFactory beanFactory, Binder binder) {

    /** Whether a bean of {@code type} is defined; looks at definitions only, creates nothing. */
    public boolean hasBean(Class<?> type) {
        return beanNames(type).length > 0;
    }

    /** The names of the beans of {@code type} defined so far. */
    public String[] beanNames(Class<?> type) {
        return beanFactory.getBeanNamesForType(type, true, false);
    }

    /** {@code type} bound from the properties under {@code prefix}, as its configuration will bind it. */
    public <T> T bindOrCreate(String prefix, Class<T> type) {
        return binder.bindOrCreate(prefix, type);
    }
}
