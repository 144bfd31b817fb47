package dev.distlock.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
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

/** What an operator sees of distlock over HTTP: health and metrics, but not the held locks. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ActuatorTest {

    @DynamicPropertySource
    static void databaseOfThisRun(DynamicPropertyRegistry registry) {
        TestDatabases.useFreshFile(registry);
    }


    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @Autowired
    OrderService orders;

    @Test
    void healthShowsDistlockUpWithItsBackend() throws Exception {
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        // {"components":{..., "distlock":{"details":{"backend":"jdbc",...},"status":"UP"}, ...}; Spring Boot 3.5
        // writes "status" before "details" (distlock-boot35-tests runs this test there too)
        assertThat(health.body()).containsPattern("\"distlock\":\\{(\"details\":\\{\"backend\":\"jdbc\"[^}]*\\},\"status\":\"UP\""
                + "|\"status\":\"UP\",\"details\":\\{\"backend\":\"jdbc\"[^}]*\\})");
    }

    @Test
    void metricsListTheDistlockMetersAfterALockedCall() throws Exception {
        orders.pay(new Order("metrics-1", BigDecimal.ONE));
        assertThat(get("/actuator/metrics").body()).contains("\"distlock.acquire\"").contains("\"distlock.held\"")
                .contains("\"distlock.active\"");
        HttpResponse<String> acquire = get("/actuator/metrics/distlock.acquire?tag=name:OrderService.pay&tag=outcome:acquired");
        assertThat(acquire.statusCode()).isEqualTo(200);
        assertThat(acquire.body()).contains("\"backend\"");
    }

    @Test
    void heldLocksAreNotExposedOverHttpByDefault() throws Exception {
        assertThat(get("/actuator/distlocks").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
