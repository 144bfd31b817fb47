package dev.distlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.zookeeper.common.PathUtils;
import org.junit.jupiter.api.Test;

class ZooKeeperKeyLayoutTest {

    private final ZooKeeperKeyLayout names = new ZooKeeperKeyLayout("/distlock");

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
        String first = ZooKeeperKeyLayout.attemptPrefix("owner", 1);
        assertThat(ZooKeeperKeyLayout.attemptPrefix("owner", 12) + "0000000003").doesNotStartWith(first);
        assertThat(ZooKeeperKeyLayout.attemptPrefix("owner~1-", 1) + "0000000003").doesNotStartWith(first);
    }

    @Test
    void queueOrderIsTheSequenceNotTheOwnerName() {
        List<String> queue = new ArrayList<>(List.of(
                ZooKeeperKeyLayout.attemptPrefix("a", 1) + "0000000002",
                ZooKeeperKeyLayout.attemptPrefix("z", 1) + "0000000001"));
        queue.sort(ZooKeeperKeyLayout.QUEUE_ORDER);
        assertThat(queue.get(0)).endsWith("0000000001");
    }

    @Test
    void nodesNumberedAtOrPastTheCounterLimitComeAfterEveryNodeNumberedBelowIt() {
        // As ZooKeeper writes them (%010d of a signed int): the counter's last numbers, then the wrapped ones.
        String below = ZooKeeperKeyLayout.attemptPrefix("holder", 1) + "2147483646";
        String first = ZooKeeperKeyLayout.attemptPrefix("a", 1) + "0000000000";
        String atLimit = ZooKeeperKeyLayout.attemptPrefix("b", 2) + "2147483647";
        String wrapped = ZooKeeperKeyLayout.attemptPrefix("c", 3) + "-2147483648";
        List<String> queue = new ArrayList<>(List.of("not-a-lock-node", wrapped, atLimit, below, first));
        queue.sort(ZooKeeperKeyLayout.QUEUE_ORDER);
        assertThat(queue.subList(0, 2)).containsExactly(first, below);
        assertThat(queue.subList(2, 4)).as("ordered by czxid, by the store").containsExactlyInAnyOrder(atLimit, wrapped);
        assertThat(queue.get(4)).isEqualTo("not-a-lock-node");
        assertThat(ZooKeeperKeyLayout.pastCounterLimit(atLimit)).isTrue();
        assertThat(ZooKeeperKeyLayout.pastCounterLimit(wrapped)).isTrue();
        assertThat(ZooKeeperKeyLayout.pastCounterLimit(below)).isFalse();
        assertThat(ZooKeeperKeyLayout.sequence(wrapped)).isEqualTo(Integer.MIN_VALUE);
        assertThat(ZooKeeperKeyLayout.attemptPrefixOf(wrapped)).isEqualTo(ZooKeeperKeyLayout.attemptPrefix("c", 3));
    }

    @Test
    void ownersWithDashesKeepTheirAttemptPrefix() {
        String name = ZooKeeperKeyLayout.attemptPrefix("a-b-1:2", 7) + "-0000000005";
        assertThat(ZooKeeperKeyLayout.attemptPrefixOf(name)).isEqualTo(ZooKeeperKeyLayout.attemptPrefix("a-b-1:2", 7));
        assertThat(ZooKeeperKeyLayout.sequence(name)).isEqualTo(-5);
    }

    @Test
    void basePathIsNormalized() {
        assertThat(new ZooKeeperKeyLayout("locks/").keyPath("k")).isEqualTo("/locks/k");
        assertThat(new ZooKeeperKeyLayout("/").keyPath("k")).isEqualTo("/k");
        assertThatThrownBy(() -> new ZooKeeperKeyLayout("/a//b")).isInstanceOf(IllegalArgumentException.class);
    }
}
