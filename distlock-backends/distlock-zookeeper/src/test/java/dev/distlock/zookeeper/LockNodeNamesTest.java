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
        queue.sort(LockNodeNames.BY_SEQUENCE);
        assertThat(queue.get(0)).endsWith("0000000001");
    }

    @Test
    void basePathIsNormalized() {
        assertThat(new LockNodeNames("locks/").keyPath("k")).isEqualTo("/locks/k");
        assertThat(new LockNodeNames("/").keyPath("k")).isEqualTo("/k");
        assertThatThrownBy(() -> new LockNodeNames("/a//b")).isInstanceOf(IllegalArgumentException.class);
    }
}
