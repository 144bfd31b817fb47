package dev.distlock.etcd;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.distlock.testsupport.EtcdServerFixture;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;

/**
 * One etcd member for a test class, as a static {@code @RegisterExtension} field: started before the
 * class's first test and stopped after its last. It keeps a client of the test's own to look at what
 * etcd holds, never one of the backends', and closes after each test the backends the test made
 * with {@link #backend}.
 */
final class EtcdServer implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private final Supplier<EtcdServerFixture> start;
    private final List<EtcdLockBackend> backends = new CopyOnWriteArrayList<>();
    private @Nullable EtcdServerFixture etcd;
    private @Nullable Client inspector;

    /** A member with the fixture's fast election timeout. */
    EtcdServer() {
        this(EtcdServerFixture::start);
    }

    private EtcdServer(Supplier<EtcdServerFixture> start) {
        this.start = start;
    }

    /** A member with the given election timeout, which sets etcd's minimum lease TTL. */
    static EtcdServer withElectionTimeout(Duration electionTimeout) {
        return new EtcdServer(() -> EtcdServerFixture.start(electionTimeout));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        etcd = start.get();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        backends.forEach(EtcdLockBackend::close);
        backends.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (inspector != null) {
            inspector.close();
            inspector = null;
        }
        if (etcd != null) {
            etcd.close();
            etcd = null;
        }
    }

    String clientUrl() {
        return fixture().clientUrl();
    }

    /** The test's own client of the member, made on first use. */
    synchronized Client inspector() {
        if (inspector == null) {
            inspector = Client.builder().endpoints(clientUrl()).build();
        }
        return inspector;
    }

    /** A backend on the member with default settings, closed after the test. */
    EtcdLockBackend backend() {
        return kept(new EtcdLockBackend(EtcdSettings.of(clientUrl())));
    }

    /** A backend on the member whose jetcd client {@code customizer} adjusts, closed after the test. */
    EtcdLockBackend backend(Consumer<ClientBuilder> customizer) {
        return kept(new EtcdLockBackend(EtcdSettings.of(clientUrl()), customizer));
    }

    /** A backend with these settings (another member's URL, a proxy's), closed after the test. */
    EtcdLockBackend backend(EtcdSettings settings) {
        return kept(new EtcdLockBackend(settings));
    }

    private EtcdLockBackend kept(EtcdLockBackend backend) {
        backends.add(backend);
        return backend;
    }

    private EtcdServerFixture fixture() {
        if (etcd == null) {
            throw new IllegalStateException("etcd runs from the test class's first test to its last: register "
                    + "EtcdServer as a static @RegisterExtension field");
        }
        return etcd;
    }
}
