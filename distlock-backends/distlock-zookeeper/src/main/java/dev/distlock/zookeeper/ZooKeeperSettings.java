package dev.distlock.zookeeper;

import java.time.Duration;
import java.util.Objects;

/**
 * Plain values from which {@link ZooKeeperLockBackend#create(ZooKeeperSettings)} builds and owns its
 * own Curator client. An application that already has a {@code CuratorFramework} passes that to
 * {@link ZooKeeperLockBackend#ZooKeeperLockBackend(org.apache.curator.framework.CuratorFramework, String)}
 * instead, and these settings do not apply.
 *
 * @param connectString     {@code host:port[,host:port...]}, optionally with a chroot suffix
 * @param sessionTimeout    the session timeout of the session opened at start (health checks, and the
 *                          locks whose lease equals it); every other lease length gets a session of
 *                          its own whose timeout is that lease
 * @param connectionTimeout how long an operation waits for a connection before it fails
 * @param retryBaseSleep    first back-off of Curator's exponential retry of a failed operation
 * @param retryMaxSleep     longest back-off between two retries
 * @param retryMaxAttempts  retries of one operation before it fails (0: no retry)
 * @param basePath          parent of every key's lock nodes, e.g. {@code /distlock}
 * @param digestAuth        {@code user:password} for ZooKeeper's digest scheme, or null for none
 * @param nodeAcl           who may read and delete lock nodes
 */
public record ZooKeeperSettings(String connectString, Duration sessionTimeout, Duration connectionTimeout,
        Duration retryBaseSleep, Duration retryMaxSleep, int retryMaxAttempts, String basePath,
        String digestAuth, NodeAcl nodeAcl) {

    /** As the engine's default lease, so that locks of the default lease use the session opened at start. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    public static final String DEFAULT_BASE_PATH = "/distlock";

    /** ACL of the lock nodes (and of the container nodes above them that we create). */
    public enum NodeAcl {
        /** Anyone may read, create and delete: ZooKeeper's {@code OPEN_ACL_UNSAFE}. */
        OPEN,
        /** Only sessions authenticated as the same digest user: {@code CREATOR_ALL_ACL}. */
        CREATOR_ALL,
        /** As {@link #CREATOR_ALL}, and anyone may read (to inspect who holds a lock). */
        CREATOR_ALL_WORLD_READ
    }

    public ZooKeeperSettings {
        if (connectString == null || connectString.isBlank()) {
            throw new IllegalArgumentException("A ZooKeeper connect string is required (host:port[,host:port...])");
        }
        requirePositive(sessionTimeout, "sessionTimeout");
        requirePositive(connectionTimeout, "connectionTimeout");
        requirePositive(retryBaseSleep, "retryBaseSleep");
        requirePositive(retryMaxSleep, "retryMaxSleep");
        if (retryMaxAttempts < 0) {
            throw new IllegalArgumentException("retryMaxAttempts must not be negative: " + retryMaxAttempts);
        }
        Objects.requireNonNull(basePath, "basePath");
        if (digestAuth != null && (digestAuth.isBlank() || !digestAuth.contains(":"))) {
            throw new IllegalArgumentException("digestAuth must be 'user:password'");
        }
        if (nodeAcl == null) {
            nodeAcl = digestAuth == null ? NodeAcl.OPEN : NodeAcl.CREATOR_ALL_WORLD_READ;
        }
        if (nodeAcl != NodeAcl.OPEN && digestAuth == null) {
            throw new IllegalArgumentException("nodeAcl " + nodeAcl
                    + " needs digestAuth: without authentication no session could create the nodes");
        }
    }

    /** Settings with the defaults for everything but the connect string. */
    public static Builder builder(String connectString) {
        return new Builder(connectString);
    }

    @Override
    public String toString() { // never print the password
        return "ZooKeeperSettings[connectString=" + connectString + ", sessionTimeout=" + sessionTimeout
                + ", connectionTimeout=" + connectionTimeout + ", basePath=" + basePath
                + ", digestAuth=" + (digestAuth == null ? "none" : digestAuth.substring(0, digestAuth.indexOf(':')) + ":****")
                + ", nodeAcl=" + nodeAcl + "]";
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /** Builds {@link ZooKeeperSettings}; every value but the connect string has a default. */
    public static final class Builder {
        private final String connectString;
        private Duration sessionTimeout = DEFAULT_SESSION_TIMEOUT;
        private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        private Duration retryBaseSleep = Duration.ofMillis(100);
        private Duration retryMaxSleep = Duration.ofSeconds(1);
        private int retryMaxAttempts = 3;
        private String basePath = DEFAULT_BASE_PATH;
        private String digestAuth;
        private NodeAcl nodeAcl;

        private Builder(String connectString) {
            this.connectString = connectString;
        }

        public Builder sessionTimeout(Duration sessionTimeout) {
            this.sessionTimeout = sessionTimeout;
            return this;
        }

        public Builder connectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
            return this;
        }

        public Builder retry(Duration baseSleep, Duration maxSleep, int maxAttempts) {
            this.retryBaseSleep = baseSleep;
            this.retryMaxSleep = maxSleep;
            this.retryMaxAttempts = maxAttempts;
            return this;
        }

        public Builder basePath(String basePath) {
            this.basePath = basePath;
            return this;
        }

        public Builder digestAuth(String userColonPassword) {
            this.digestAuth = userColonPassword;
            return this;
        }

        /** Null picks the default: {@code OPEN} without digest auth, else {@code CREATOR_ALL_WORLD_READ}. */
        public Builder nodeAcl(NodeAcl nodeAcl) {
            this.nodeAcl = nodeAcl;
            return this;
        }

        public ZooKeeperSettings build() {
            return new ZooKeeperSettings(connectString, sessionTimeout, connectionTimeout, retryBaseSleep,
                    retryMaxSleep, retryMaxAttempts, basePath, digestAuth, nodeAcl);
        }
    }
}
