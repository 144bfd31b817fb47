package dev.distlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.zookeeper.common.PathUtils;
import org.junit.jupiter.api.Test;

class LockNodeNamesTest {

    private final LockNodeNames names = new LockNodeNames("/distlock");

    @Test
    void readableKeysStayReadable() {
        assertThat(names.keyPath("app:pay:order-42")).isEqualTo("/distlock/app:pay:order-42");
    }

    @Test
    void slashesAndUnicodeBecomeOneValidPathElement() {
        for (String key : List.of("order/1", "/", "заказ/订单/🔒 with spaces", "\u0000\u001f\u007f\ufff0", ".", "..", "",
                "a%2Fb", "~tilde~", "\ud800 lone surrogate", "k".repeat(1024), "ж".repeat(1024))) {
            String path = names.keyPath(key);
            assertThat(path.substring("/distlock/".length())).as(key).doesNotContain("/").isNotEmpty();
            PathUtils.validatePath(path); // ZooKeeper's own check of a path
        }
    }

    @Test
    void distinctKeysNeverShareANode() {
        List<String> keys = new ArrayList<>(List.of("a/b", "a%2Fb", "a%2fb", "", "%", ".", "%2E", "..",
                "\ud800", "\udc00", "\ud800\udc00", "?", "\ufffd", "é", "e\u0301"));
        Set<String> paths = new HashSet<>();
        keys.forEach(key -> paths.add(names.keyPath(key)));
        assertThat(paths).hasSameSizeAs(keys);
    }

    @Test
    void attemptPrefixesNeverPrefixAnotherOwnersOrAttemptsNodes() {
        String first = LockNodeNames.attemptPrefix("owner", 1);
        assertThat(LockNodeNames.attemptPrefix("owner", 12) + "0000000003").doesNotStartWith(first);
        assertThat(LockNodeNames.attemptPrefix("owner~1-", 1) + "0000000003").doesNotStartWith(first);
    }

    @Test
    void queueOrderIsTheSequenceNotTheOwnerName() {
        List<String> queue = new ArrayList<>(List.of(
                LockNodeNames.attemptPrefix("a", 1) + "0000000002",
                LockNodeNames.attemptPrefix("z", 1) + "0000000001"));
        queue.sort(LockNodeNames.QUEUE_ORDER);
        assertThat(queue.get(0)).endsWith("0000000001");
    }

    @Test
    void nodesNumberedAtOrPastTheCounterLimitComeAfterEveryNodeNumberedBelowIt() {
        // As ZooKeeper writes them (%010d of a signed int): the counter's last numbers, then the wrapped ones.
        String below = LockNodeNames.attemptPrefix("holder", 1) + "2147483646";
        String first = LockNodeNames.attemptPrefix("a", 1) + "0000000000";
        String atLimit = LockNodeNames.attemptPrefix("b", 2) + "2147483647";
        String wrapped = LockNodeNames.attemptPrefix("c", 3) + "-2147483648";
        List<String> queue = new ArrayList<>(List.of("not-a-lock-node", wrapped, atLimit, below, first));
        queue.sort(LockNodeNames.QUEUE_ORDER);
        assertThat(queue.subList(0, 2)).containsExactly(first, below);
        assertThat(queue.subList(2, 4)).as("ordered by czxid, by the store").containsExactlyInAnyOrder(atLimit, wrapped);
        assertThat(queue.get(4)).isEqualTo("not-a-lock-node");
        assertThat(LockNodeNames.pastCounterLimit(atLimit)).isTrue();
        assertThat(LockNodeNames.pastCounterLimit(wrapped)).isTrue();
        assertThat(LockNodeNames.pastCounterLimit(below)).isFalse();
        assertThat(LockNodeNames.sequence(wrapped)).isEqualTo(Integer.MIN_VALUE);
        assertThat(LockNodeNames.attemptPrefixOf(wrapped)).isEqualTo(LockNodeNames.attemptPrefix("c", 3));
    }

    @Test
    void ownersWithDashesKeepTheirAttemptPrefix() {
        String name = LockNodeNames.attemptPrefix("a-b-1:2", 7) + "-0000000005";
        assertThat(LockNodeNames.attemptPrefixOf(name)).isEqualTo(LockNodeNames.attemptPrefix("a-b-1:2", 7));
        assertThat(LockNodeNames.sequence(name)).isEqualTo(-5);
    }

    @Test
    void basePathIsNormalized() {
        assertThat(new LockNodeNames("locks/").keyPath("k")).isEqualTo("/locks/k");
        assertThat(new LockNodeNames("/").keyPath("k")).isEqualTo("/k");
        assertThatThrownBy(() -> new LockNodeNames("/a//b")).isInstanceOf(IllegalArgumentException.class);
    }
}
