package dev.distlock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.distlock.spi.LockBackendException;
import dev.distlock.spi.RenewResult;

/**
 * One Redlock node's renewAll against a real redis-server. The renew-all script answers one entry
 * per KEY it is sent, so a call whose lease places outnumber its keys (or fall short of them) gets
 * the answer of a node that answered too few (or too many) entries: that node's call must fail,
 * naming the node and both counts.
 */
class RedlockNodeRenewAllIT {

    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(2);

    @RegisterExtension
    static final RedlockServers servers = new RedlockServers(1);
    private final ClientResources resources = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    private RedlockNode node;

    @BeforeEach
    void connect() {
        node = new RedlockNode(servers.get(0).uri(), resources, NODE_TIMEOUT, null);
        node.connectInBackground();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> "PONG".equals(node.ping().get()));
    }

    @AfterEach
    void close() {
        node.close();
        resources.shutdown();
    }

    @Test
    void anAnswerWithFewerEntriesThanLeasesFailsNamingTheNodeAndTheCounts() {
        RenewBatch<String> threeLeasesTwoKeys = new RenewBatch<>(new int[] {0, 1, 2},
                new String[] {"{lock:a}", "{lock:b}"}, new String[] {"o", "1000", "o", "1000"});

        assertThatThrownBy(() -> node.renewAll(List.of(threeLeasesTwoKeys), 3).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(LockBackendException.class)
                .hasMessageContaining(node.address())
                .hasMessageContaining("2 answers for 3 leases");
    }

    @Test
    void anAnswerWithMoreEntriesThanLeasesFailsNamingTheNodeAndTheCounts() {
        RenewBatch<String> oneLeaseTwoKeys = new RenewBatch<>(new int[] {0},
                new String[] {"{lock:a}", "{lock:b}"}, new String[] {"o", "1000", "o", "1000"});

        assertThatThrownBy(() -> node.renewAll(List.of(oneLeaseTwoKeys), 1).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(LockBackendException.class)
                .hasMessageContaining(node.address())
                .hasMessageContaining("2 answers for 1 leases");
    }

    @Test
    void anAnswerWithOneEntryPerLeaseIsPutAtEachLeasesPlace() {
        RedisKeyLayout held = RedisKeyLayout.of("held");
        node.<List<Long>>run(LettuceScript.ACQUIRE, new String[] {held.lock(), held.fence(), held.replacedFence()},
                "o", "30000").join();
        RenewBatch<String> twoLeasesInReverse = new RenewBatch<>(new int[] {1, 0},
                new String[] {RedisKeyLayout.of("free").lock(), held.lock()}, new String[] {"o", "30000", "o", "30000"});

        assertThat(node.renewAll(List.of(twoLeasesInReverse), 2).join())
                .extracting(RenewResult::extended).containsExactly(true, false);
    }
}
