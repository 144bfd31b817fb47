package dev.distlock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.RenewRequest;
import dev.distlock.spi.RenewResult;

class RenewBatchTest {

    private static final RenewBatch.Encoding<String> NAMES = new RenewBatch.Encoding<>(
            key -> "{lock:" + key + "}", owner -> owner, RedisCalls::millis, String[]::new);

    @Test
    void aBatchIsCutIntoCallsOfAtMostMaxLeasesInOrder() {
        List<RenewRequest> requests = requests(RenewBatch.MAX_LEASES * 2 + 1);

        List<RenewBatch<String>> calls = RenewBatch.cut(requests, NAMES, null);

        assertThat(calls).extracting(call -> call.leases().length)
                .containsExactly(RenewBatch.MAX_LEASES, RenewBatch.MAX_LEASES, 1);
        RenewBatch<String> first = calls.get(0);
        assertThat(first.keys()[1]).isEqualTo("{lock:k1}");
        assertThat(first.args()[2]).isEqualTo("owner-1");
        assertThat(first.args()[3]).isEqualTo("3000");
    }

    @Test
    void onAClusterEachCallHoldsTheKeysOfOneSlotAndTheAnswersComeBackInRequestOrder() {
        List<RenewRequest> requests = requests(6);

        // Slots by the key's last digit: odd and even keys are interleaved in the batch.
        List<RenewBatch<String>> calls = RenewBatch.cut(requests, NAMES, name -> name.charAt(name.length() - 2) % 2);

        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).keys()).containsExactly("{lock:k0}", "{lock:k2}", "{lock:k4}");
        assertThat(calls.get(1).keys()).containsExactly("{lock:k1}", "{lock:k3}", "{lock:k5}");
        RenewResult[] results = new RenewResult[requests.size()];
        calls.get(0).answer(List.of(1L, 0L, 1L), results, "Redis");
        calls.get(1).answer(List.of(0L, 1L, 1L), results, "Redis");
        assertThat(results).extracting(RenewResult::extended).containsExactly(true, false, false, true, true, true);
    }

    @Test
    void anAnswerWithFewerEntriesThanLeasesFailsWithTheCounts() {
        RenewBatch<String> threeLeases = RenewBatch.cut(requests(3), NAMES, null).get(0);

        assertThatThrownBy(() -> threeLeases.answer(List.of(1L, 1L), new RenewResult[3], "Redis"))
                .isInstanceOf(LockBackendException.class)
                .hasMessageContaining("2 answers for 3 leases");
    }

    @Test
    void anAnswerWithMoreEntriesThanLeasesFailsWithTheCounts() {
        RenewBatch<String> oneLease = RenewBatch.cut(requests(1), NAMES, null).get(0);

        assertThatThrownBy(() -> oneLease.answer(List.of(1L, 1L), new RenewResult[1], "Redis"))
                .isInstanceOf(LockBackendException.class)
                .hasMessageContaining("2 answers for 1 leases");
    }

    @Test
    void noAnswerAtAllFailsWithTheCounts() {
        RenewBatch<String> twoLeases = RenewBatch.cut(requests(2), NAMES, null).get(0);

        assertThatThrownBy(() -> twoLeases.answer(null, new RenewResult[2], "Redis"))
                .isInstanceOf(LockBackendException.class)
                .hasMessageContaining("0 answers for 2 leases");
    }

    private static List<RenewRequest> requests(int count) {
        List<RenewRequest> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            requests.add(new RenewRequest("k" + i, "owner-" + i, Duration.ofSeconds(3)));
        }
        return Collections.unmodifiableList(requests);
    }
}
