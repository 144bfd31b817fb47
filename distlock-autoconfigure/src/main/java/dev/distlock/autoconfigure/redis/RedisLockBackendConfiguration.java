package dev.distlock.autoconfigure.redis;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

import dev.distlock.autoconfigure.LockBackendType;
import dev.distlock.autoconfigure.backend.CandidateContext;
import dev.distlock.autoconfigure.backend.ModuleBackendCandidate;
import dev.distlock.autoconfigure.backend.LockBackendCondition;
import dev.distlock.autoconfigure.backend.LockBackendNotAvailableException;
import dev.distlock.autoconfigure.backend.TlsStartUpCheck;
import dev.distlock.redis.RedisEvictionPolicy;
import dev.distlock.redis.RedisEvictionPolicyException;
import dev.distlock.redis.RedisLockBackend;
import dev.distlock.redis.RedisSettings;
import dev.distlock.redis.RedlockLockBackend;
import dev.distlock.redis.RedlockSettings;
import dev.distlock.redis.ReplicaWait;
import dev.distlock.spi.LockBackend;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The Redis backend: {@code distlock.redis.mode=single} (default) on the application's
 * {@link RedisConnectionFactory}, {@code redlock} over the nodes of the {@link RedlockConnectionDetails}
 * ({@code distlock.redis.nodes} unless the application declares its own). Chosen by
 * {@code distlock.backend=redis}, or when it is the only backend whose module and connection
 * are present.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(RedisLockBackend.class)
@ConditionalOnMissingBean(LockBackend.class)
@Conditional(LockBackendCondition.class)
@EnableConfigurationProperties(RedisLockProperties.class)
public final class RedisLockBackendConfiguration {

    /** As long as the engine's first-connection deadline: the read may be opening the connection. */
    static final Duration EVICTION_POLICY_READ_TIMEOUT = Duration.ofSeconds(10);

    static final String SINGLE_TLS_ACTION = "Trust the Redis server's certificate: set spring.data.redis.ssl.bundle "
            + "to an SSL bundle whose trust store holds the CA that signed it (spring.ssl.bundle.pem.<name>.truststore."
            + "certificate, or spring.ssl.bundle.jks.<name>.truststore.location), or fix the URL's host or scheme.";
    static final String REDLOCK_TLS_ACTION = "Trust the Redlock nodes' certificates: set distlock.redis.ssl-bundle "
            + "to an SSL bundle whose trust store holds the CA that signed them (spring.ssl.bundle.pem.<name>.truststore."
            + "certificate), with a key store too where the nodes demand client certificates.";

    @Bean
    @ConditionalOnMissingBean(RedlockConnectionDetails.class)
    @ConditionalOnProperty(name = "distlock.redis.mode", havingValue = "redlock")
    PropertiesRedlockConnectionDetails redlockConnectionDetails(RedisLockProperties properties,
                                                                ObjectProvider<SslBundles> sslBundles) {
        return new PropertiesRedlockConnectionDetails(properties, sslBundles);
    }

    @Bean(destroyMethod = "close")
    LockBackend redisLockBackend(RedisLockProperties properties, ObjectProvider<RedisConnectionFactory> connectionFactory,
                                 ObjectProvider<RedlockConnectionDetails> redlockConnectionDetails) {
        RedisSettings settings = new RedisSettings(properties.getReleaseChannel(),
                properties.getQueueEntryLifetime(), properties.getOperationTimeout());
        if (properties.getMode() == RedisLockProperties.Mode.REDLOCK) {
            return redlock(properties, redlockConnectionDetails.getObject(), settings);
        }
        RedisLockBackend backend = new RedisLockBackend(connectionFactory.getObject(), settings,
                new ReplicaWait(properties.getWaitForReplicas(), properties.getWaitForReplicasTimeout()));
        try {
            RedisEvictionPolicy policy = backend.checkEvictionPolicy(properties.getEvictionPolicyCheck(),
                    EVICTION_POLICY_READ_TIMEOUT);
            if (!policy.known()) {
                // Unread, perhaps because the connection failed; only a TLS failure stops start-up.
                backend.connectionFailure(EVICTION_POLICY_READ_TIMEOUT).ifPresent(failure ->
                        TlsStartUpCheck.refuseTlsFailure("Redis (spring.data.redis.*)", failure, SINGLE_TLS_ACTION));
            }
        } catch (RedisEvictionPolicyException e) {
            backend.close();
            throw new LockBackendNotAvailableException(e.description(), e.action());
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        return backend;
    }

    private static LockBackend redlock(RedisLockProperties properties, RedlockConnectionDetails connection,
                                       RedisSettings common) {
        List<String> nodes = connection.getNodes();
        RedlockSettings settings = new RedlockSettings(nodes, properties.getNodeTimeout(), common);
        SslBundle bundle = connection.getSslBundle();
        if (bundle != null) {
            settings = settings.withSsl(RedlockSslOptions.from(bundle));
        }
        RedlockLockBackend backend = new RedlockLockBackend(settings);
        if (nodes.stream().anyMatch(node -> node.trim().startsWith("rediss:"))) {
            try {
                backend.connectionFailures(EVICTION_POLICY_READ_TIMEOUT).forEach((node, failure) ->
                        TlsStartUpCheck.refuseTlsFailure("the Redlock node " + node, failure, REDLOCK_TLS_ACTION));
            } catch (RuntimeException e) {
                backend.close();
                throw e;
            }
        }
        return backend;
    }

    /**
     * Present when distlock-redis is on the class path and, in single mode, a RedisConnectionFactory
     * bean is defined (spring-boot-starter-data-redis defines one); in Redlock mode, when nodes are listed.
     */
    public static final class Candidate extends ModuleBackendCandidate {

        /** {@link RedisLockBackend}'s name, checked without loading it: the module is optional. */
        static final String BACKEND_CLASS = "dev.distlock.redis.RedisLockBackend";
        static final String CONNECTION_FACTORY_CLASS = "org.springframework.data.redis.connection.RedisConnectionFactory";

        public Candidate() {
            super(LockBackendType.REDIS, RedisLockBackendConfiguration.class, BACKEND_CLASS);
        }

        @Override
        protected Optional<Missing> missingBesidesModule(CandidateContext context) {
            RedisLockProperties properties = context.bindOrCreate(RedisLockProperties.PREFIX, RedisLockProperties.class);
            if (properties.getMode() == RedisLockProperties.Mode.REDLOCK) {
                return !properties.getNodes().isEmpty() || context.hasBean(RedlockConnectionDetails.class) ? Optional.empty()
                        : Optional.of(new Missing("distlock.redis.nodes", "list the Redlock nodes in distlock.redis.nodes "
                                + "(redis://host:port, an odd number of independent nodes), or set distlock.redis.mode=single"));
            }
            if (!ClassUtils.isPresent(CONNECTION_FACTORY_CLASS, context.classLoader()) || !DataRedis.hasConnectionFactory(context)) {
                return Optional.of(new Missing("a RedisConnectionFactory bean", "add spring-boot-starter-data-redis "
                        + "(it defines a RedisConnectionFactory bean from spring.data.redis.*) or define a RedisConnectionFactory bean"));
            }
            return Optional.empty();
        }
    }

    /** Touches spring-data-redis's types only once it is known to be present. */
    private static final class DataRedis {

        static boolean hasConnectionFactory(CandidateContext context) {
            return context.hasBean(RedisConnectionFactory.class);
        }
    }
}
