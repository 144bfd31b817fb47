package dev.distlock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.data.redis.connection.ClusterSlotHashUtil;

class EncodedKeyLayoutTest {

    @ParameterizedTest
    @ValueSource(strings = {"order:42", "Zürich:锁:🔒", "braces{inside}the:key"})
    void everyNameIsInTheSlotOfTheLockNameAsRedisHashesItsUtf8Bytes(String key) {
        EncodedKeyLayout keys = new EncodedKeyLayout(key);
        int lockSlot = ClusterSlotHashUtil.calculateSlot(RedisKeyLayout.of(key).lock().getBytes(StandardCharsets.UTF_8));

        assertThat(keys.slot()).isEqualTo(lockSlot).isEqualTo(EncodedKeyLayout.slotOf(RedisKeyLayout.of(key).lock()));
        assertThat(Stream.of(keys.lock(), keys.replacedFence(), keys.queue(), keys.queueDeadlines(), keys.waiters())
                .map(ClusterSlotHashUtil::calculateSlot)).containsOnly(lockSlot);
        assertThat(keys.slot()).as("asked again").isEqualTo(lockSlot);
    }

    @Test
    void onAClusterTheFenceCounterAndTheChannelAreThoseOfTheLocksSlot() {
        EncodedKeyLayout keys = new EncodedKeyLayout("order:42");

        assertThat(text(RedisDeployment.CLUSTER.fence(keys))).isEqualTo(SlotFenceCounters.counterOfSlot(keys.slot()));
        assertThat(ClusterSlotHashUtil.calculateSlot(RedisDeployment.CLUSTER.fence(keys))).isEqualTo(keys.slot());
        assertThat(text(RedisDeployment.CLUSTER_SHARDED.channelSuffix(keys)))
                .isEqualTo(ShardedReleaseSubscriber.channelSuffix(keys.slot()));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
