package dev.distlock.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.distlock.DistributedLocks;
import dev.distlock.Lease;
import dev.distlock.LockOptions;

/** Once the user exposes it, {@code /actuator/distlocks} lists the locks this instance holds, as JSON. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.endpoints.web.exposure.include=health,metrics,distlocks")
class DistlocksEndpointTest {

    @DynamicPropertySource
    static void databaseOfThisRun(DynamicPropertyRegistry registry) {
        TestDatabases.useFreshFile(registry);
    }


    @LocalServerPort
    int port;

    @Autowired
    DistributedLocks locks;

    @Test
    void listsAHeldLockWithItsKeyTokenAndTimes() throws Exception {
        try (Lease lease = locks.tryAcquire("orders:4711", new LockOptions("OrderService.pay", Duration.ofSeconds(10),
                Duration.ZERO, Duration.ZERO, true, false)).orElseThrow()) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/actuator/distlocks")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"key\":\"sample:orders:4711\"").contains("\"name\":\"OrderService.pay\"")
                    .contains("\"fencingToken\":" + lease.fencingToken())
                    .contains("\"acquiredAt\":\"" + lease.acquiredAt())
                    .contains("\"waiters\":[]");
        }
    }
}
