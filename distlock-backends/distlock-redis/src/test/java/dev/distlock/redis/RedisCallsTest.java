package dev.distlock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class RedisCallsTest {

    @Test
    void leaseMillisAreSentAsDecimalTextOfAtLeastOne() {
        assertThat(text(RedisCalls.millisBytes(Duration.ofSeconds(30)))).isEqualTo("30000");
        assertThat(text(RedisCalls.millisBytes(Duration.ofMillis(1234)))).isEqualTo("1234");
        assertThat(text(RedisCalls.millisBytes(Duration.ofNanos(999_999)))).isEqualTo("1");
        assertThat(text(RedisCalls.millisBytes(Duration.ZERO))).isEqualTo("1");
        assertThat(text(RedisCalls.millisBytes(Duration.ofMillis(Long.MAX_VALUE)))).isEqualTo(Long.toString(Long.MAX_VALUE));
    }

    @Test
    void locksOfTwoLeaseLengthsTakingTurnsReuseTheEncodingOfEach() {
        byte[] tenSeconds = RedisCalls.millisBytes(Duration.ofSeconds(10));
        byte[] thirtySeconds = RedisCalls.millisBytes(Duration.ofSeconds(30));

        for (int turn = 0; turn < 3; turn++) {
            assertThat(RedisCalls.millisBytes(Duration.ofSeconds(10))).isSameAs(tenSeconds);
            assertThat(RedisCalls.millisBytes(Duration.ofSeconds(30))).isSameAs(thirtySeconds);
        }
    }

    @Test
    void everyLeaseOfWholeHalfSecondsUpToAMinuteKeepsItsEncodingBesideAllTheOthers() {
        List<byte[]> encoded = new ArrayList<>();
        for (long millis = 500; millis <= 60_000; millis += 500) {
            encoded.add(RedisCalls.millisBytes(Duration.ofMillis(millis)));
        }

        for (int i = 0; i < encoded.size(); i++) {
            assertThat(RedisCalls.millisBytes(Duration.ofMillis(500L * (i + 1)))).isSameAs(encoded.get(i));
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
