package dev.distlock.fencing.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FenceKeysTest {

    @Test
    void anUntaggedKeyIsWrappedWholeInTheTagOfItsFenceKey() {
        assertThat(FenceKeys.of("order:42")).isEqualTo("{order:42}:fence");
    }

    @Test
    void aTaggedKeyKeepsItsTagFirst() {
        assertThat(FenceKeys.of("{order}:42")).isEqualTo("{order}:42:fence");
    }
}
