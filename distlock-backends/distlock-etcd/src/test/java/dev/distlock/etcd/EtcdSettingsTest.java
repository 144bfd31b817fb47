package dev.distlock.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class EtcdSettingsTest {

    @Test
    void defaultsApplyWhenOnlyEndpointsAreGiven() {
        EtcdSettings settings = EtcdSettings.of("http://127.0.0.1:2379");
        assertThat(settings.keyPrefix()).isEqualTo("/distlock");
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.tls()).isFalse();
    }

    @Test
    void prefixIsNormalized() {
        EtcdSettings settings = EtcdSettings.of("http://127.0.0.1:2379");
        assertThat(settings.withKeyPrefix("locks/").keyPrefix()).isEqualTo("/locks");
        assertThat(settings.withKeyPrefix("/a/b//").keyPrefix()).isEqualTo("/a/b");
        assertThat(settings.withKeyPrefix("/").keyPrefix()).isEmpty();
    }

    @Test
    void halfConfiguredCredentialsOrCertificatesAreRejected() {
        EtcdSettings settings = EtcdSettings.of("http://127.0.0.1:2379");
        assertThatIllegalArgumentException().isThrownBy(() -> settings.withCredentials("root", null))
                .withMessageContaining("user and password");
        assertThatIllegalArgumentException().isThrownBy(() -> settings.withTls(null, Path.of("client.pem"), null))
                .withMessageContaining("certificate and key");
        assertThatIllegalArgumentException().isThrownBy(() -> EtcdSettings.of())
                .withMessageContaining("At least one etcd endpoint");
        assertThatIllegalArgumentException().isThrownBy(() -> settings.withTimeouts(Duration.ZERO, null))
                .withMessageContaining("connectTimeout");
    }

    @Test
    void tlsIsOnWithACaOrAnHttpsEndpoint() {
        assertThat(EtcdSettings.of("https://etcd:2379").tls()).isTrue();
        assertThat(EtcdSettings.of("http://etcd:2379").withTls(Path.of("ca.pem"), null, null).tls()).isTrue();
    }

    @Test
    void passwordIsNotPrinted() {
        assertThat(EtcdSettings.of("http://etcd:2379").withCredentials("root", "s3cret").toString())
                .contains("root").doesNotContain("s3cret");
    }

    @Test
    void keysWithSlashesCannotReachIntoAnotherKeysQueue() {
        EtcdKeyLayout keys = new EtcdKeyLayout("/distlock");
        String queueOfA = keys.queue("a").toString(StandardCharsets.UTF_8);
        assertThat(queueOfA).isEqualTo("/distlock/a/");
        assertThat(keys.queue("a/b").toString(StandardCharsets.UTF_8)).isEqualTo("/distlock/a%2Fb/").doesNotStartWith(queueOfA);
        assertThat(keys.queue("a%2Fb").toString(StandardCharsets.UTF_8)).isEqualTo("/distlock/a%252Fb/");
        assertThat(keys.node("ключ", "uuid:1").toString(StandardCharsets.UTF_8)).isEqualTo("/distlock/ключ/uuid:1");
    }
}
