package dev.distlock.autoconfigure.backend;

import java.util.List;

import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.type.AnnotationMetadata;

import dev.distlock.autoconfigure.etcd.EtcdLockBackendConfiguration;
import dev.distlock.autoconfigure.inmemory.InMemoryLockBackendConfiguration;
import dev.distlock.autoconfigure.jdbc.JdbcLockBackendConfiguration;
import dev.distlock.autoconfigure.redis.RedisLockBackendConfiguration;
import dev.distlock.autoconfigure.zookeeper.ZooKeeperLockBackendConfiguration;

/**
 * The backends this build can configure, one line each. Adding a backend is: its configuration
 * class (gated by {@code @ConditionalOnClass}, {@code @ConditionalOnMissingBean(LockBackend.class)}
 * and {@link LockBackendCondition}) with a nested {@link LockBackendCandidate}, and one line here.
 */
public final class LockBackendConfigurations {

    static final List<LockBackendCandidate> CANDIDATES = List.of(
            new InMemoryLockBackendConfiguration.Candidate(),
            new RedisLockBackendConfiguration.Candidate(),
            new EtcdLockBackendConfiguration.Candidate(),
            new ZooKeeperLockBackendConfiguration.Candidate(),
            new JdbcLockBackendConfiguration.Candidate());

    private LockBackendConfigurations() {
    }

    public static List<LockBackendCandidate> candidates() {
        return CANDIDATES;
    }

    static LockBackendCandidate forConfigurationClass(String className) {
        return CANDIDATES.stream()
                .filter(candidate -> candidate.configurationClass().getName().equals(className))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(className + " is not listed in LockBackendConfigurations"));
    }

    /** Imports every backend configuration; each one's {@link LockBackendCondition} decides whether it applies. */
    public static final class Selector implements ImportSelector {

        @Override
        public String[] selectImports(AnnotationMetadata importingClassMetadata) {
            return CANDIDATES.stream().map(candidate -> candidate.configurationClass().getName()).toArray(String[]::new);
        }
    }
}
