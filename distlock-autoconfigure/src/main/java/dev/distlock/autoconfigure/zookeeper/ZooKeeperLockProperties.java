package dev.distlock.autoconfigure.zookeeper;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.distlock.zookeeper.ZooKeeperSettings;

/**
 * The {@code distlock.zookeeper.*} properties. When the application defines its own
 * {@code CuratorFramework} bean, only {@code base-path} applies: the client is used as it is.
 */
@ConfigurationProperties(ZooKeeperLockProperties.PREFIX)
public class ZooKeeperLockProperties {

    static final String PREFIX = "distlock.zookeeper";

    /** ZooKeeper servers as host:port[,host:port...], optionally followed by a chroot path. */
    private @Nullable String connectString;

    /** Session timeout of the session opened at start-up (health checks, and locks whose lease equals it); every other lease length gets a session whose timeout is that lease. */
    private Duration sessionTimeout = ZooKeeperSettings.DEFAULT_SESSION_TIMEOUT;

    /** How long an operation waits for a connection to ZooKeeper before it fails. */
    private Duration connectionTimeout = ZooKeeperSettings.DEFAULT_CONNECTION_TIMEOUT;

    /** Parent znode of all lock nodes. */
    private String basePath = ZooKeeperSettings.DEFAULT_BASE_PATH;

    /** Credentials for ZooKeeper's digest authentication, as user:password. */
    private @Nullable String digestAuth;

    /** ACL of the lock nodes: open, creator-all or creator-all-world-read; by default open without digest-auth, creator-all-world-read with it. */
    private ZooKeeperSettings.@Nullable NodeAcl nodeAcl;

    private final Retry retry = new Retry();

    /** Builds the settings of a backend that owns its Curator client. */
    public ZooKeeperSettings toSettings() {
        return toSettings(connectString);
    }

    /** Builds the settings of a backend that owns its Curator client, connected to {@code connectString}. */
    ZooKeeperSettings toSettings(String connectString) {
        return ZooKeeperSettings.builder(connectString)
                .sessionTimeout(sessionTimeout)
                .connectionTimeout(connectionTimeout)
                .retry(retry.getBaseSleep(), retry.getMaxSleep(), retry.getMaxAttempts())
                .basePath(basePath)
                .digestAuth(digestAuth)
                .nodeAcl(nodeAcl)
                .build();
    }

    public @Nullable String getConnectString() {
        return connectString;
    }

    public void setConnectString(@Nullable String connectString) {
        this.connectString = connectString;
    }

    public Duration getSessionTimeout() {
        return sessionTimeout;
    }

    public void setSessionTimeout(Duration sessionTimeout) {
        this.sessionTimeout = sessionTimeout;
    }

    public Duration getConnectionTimeout() {
        return connectionTimeout;
    }

    public void setConnectionTimeout(Duration connectionTimeout) {
        this.connectionTimeout = connectionTimeout;
    }

    public String getBasePath() {
        return basePath;
    }

    public void setBasePath(String basePath) {
        this.basePath = basePath;
    }

    public @Nullable String getDigestAuth() {
        return digestAuth;
    }

    public void setDigestAuth(@Nullable String digestAuth) {
        this.digestAuth = digestAuth;
    }

    public ZooKeeperSettings.@Nullable NodeAcl getNodeAcl() {
        return nodeAcl;
    }

    public void setNodeAcl(ZooKeeperSettings.@Nullable NodeAcl nodeAcl) {
        this.nodeAcl = nodeAcl;
    }

    public Retry getRetry() {
        return retry;
    }

    /** Curator's exponential back-off for an operation that hit a connection loss. */
    public static class Retry {

        /** First pause before retrying an operation. */
        private Duration baseSleep = Duration.ofMillis(100);

        /** Longest pause between two retries. */
        private Duration maxSleep = Duration.ofSeconds(1);

        /** Retries of one operation before it fails; 0 for none. */
        private int maxAttempts = 3;

        public Duration getBaseSleep() {
            return baseSleep;
        }

        public void setBaseSleep(Duration baseSleep) {
            this.baseSleep = baseSleep;
        }

        public Duration getMaxSleep() {
            return maxSleep;
        }

        public void setMaxSleep(Duration maxSleep) {
            this.maxSleep = maxSleep;
        }

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }
    }
}
