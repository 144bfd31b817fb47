package dev.distlock.autoconfigure.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.distlock.redis.EvictionPolicyCheck;

/** The {@code distlock.redis.*} properties of the Redis lock backend. */
@ConfigurationProperties(RedisLockProperties.PREFIX)
public class RedisLockProperties {

    static final String PREFIX = "distlock.redis";

    /** SINGLE uses the application's RedisConnectionFactory; REDLOCK uses the independent nodes in distlock.redis.nodes. */
    private Mode mode = Mode.SINGLE;

    /** Redlock nodes as redis://[[user:]password@]host:port or rediss://... (TLS); an odd number, at least three. */
    private List<String> nodes = new ArrayList<>();

    /**
     * Redlock: name of the Spring Boot SSL bundle (spring.ssl.bundle.*) whose trust store, and key store
     * where nodes demand a client certificate, the rediss:// nodes are reached with; else the JDK's trust store.
     */
    private @Nullable String sslBundle;

    /** Redlock: how long one node may take to answer one attempt; keep it far below the lease. */
    private Duration nodeTimeout = Duration.ofMillis(100);

    /** Pub/sub channel name: single mode, the prefix of each backend's own release channel; Redlock, the release channel. */
    private String releaseChannel = "distlock:released";

    /** Fair locks: how long a waiter's place in the queue survives once its JVM stops refreshing it. */
    private Duration queueEntryLifetime = Duration.ofSeconds(10);

    /** Bound on the health check and on one attempt to start the release subscription, which nobody waits for. */
    private Duration operationTimeout = Duration.ofSeconds(2);

    /**
     * What start-up does when Redis's maxmemory-policy may evict distlock's keys (anything but
     * noeviction, with a maxmemory limit): FAIL refuses to start, WARN logs the consequence and goes on.
     */
    private EvictionPolicyCheck evictionPolicyCheck = EvictionPolicyCheck.FAIL;

    /**
     * Single mode: how many replicas must acknowledge each grant (Redis WAIT) before it is returned;
     * 0 (default) does not wait. Narrows, does not close, the window in which a failover loses a grant.
     */
    private int waitForReplicas;

    /** How long Redis waits for those replicas; a grant fewer replicas acknowledged is released and the attempt fails. */
    private Duration waitForReplicasTimeout = Duration.ofMillis(100);

    /** How distlock reaches Redis. */
    public enum Mode {
        /** One Redis deployment (single node, Sentinel or Cluster) through the application's RedisConnectionFactory. */
        SINGLE,
        /** Redlock over several independent Redis nodes. */
        REDLOCK
    }

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public List<String> getNodes() {
        return nodes;
    }

    public void setNodes(List<String> nodes) {
        this.nodes = nodes;
    }

    public @Nullable String getSslBundle() {
        return sslBundle;
    }

    public void setSslBundle(@Nullable String sslBundle) {
        this.sslBundle = sslBundle;
    }

    public Duration getNodeTimeout() {
        return nodeTimeout;
    }

    public void setNodeTimeout(Duration nodeTimeout) {
        this.nodeTimeout = nodeTimeout;
    }

    public String getReleaseChannel() {
        return releaseChannel;
    }

    public void setReleaseChannel(String releaseChannel) {
        this.releaseChannel = releaseChannel;
    }

    public Duration getQueueEntryLifetime() {
        return queueEntryLifetime;
    }

    public void setQueueEntryLifetime(Duration queueEntryLifetime) {
        this.queueEntryLifetime = queueEntryLifetime;
    }

    public Duration getOperationTimeout() {
        return operationTimeout;
    }

    public void setOperationTimeout(Duration operationTimeout) {
        this.operationTimeout = operationTimeout;
    }

    public EvictionPolicyCheck getEvictionPolicyCheck() {
        return evictionPolicyCheck;
    }

    public void setEvictionPolicyCheck(EvictionPolicyCheck evictionPolicyCheck) {
        this.evictionPolicyCheck = evictionPolicyCheck;
    }

    public int getWaitForReplicas() {
        return waitForReplicas;
    }

    public void setWaitForReplicas(int waitForReplicas) {
        this.waitForReplicas = waitForReplicas;
    }

    public Duration getWaitForReplicasTimeout() {
        return waitForReplicasTimeout;
    }

    public void setWaitForReplicasTimeout(Duration waitForReplicasTimeout) {
        this.waitForReplicasTimeout = waitForReplicasTimeout;
    }
}
