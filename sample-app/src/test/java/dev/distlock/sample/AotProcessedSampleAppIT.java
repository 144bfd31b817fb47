package dev.distlock.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged sample app, processed ahead of time by {@code spring-boot:process-aot} in this build,
 * started on the JVM with {@code -Dspring.aot.enabled=true}: the annotation takes and releases its
 * locks through the generated bean definitions and the proxies made at build time.
 */
class AotProcessedSampleAppIT {

    private static final Pattern PAYMENT = Pattern.compile("\"fencingToken\":(\\d+),\"charged\":(true|false)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Process app;

    @TempDir
    Path directory;

    @AfterEach
    void stopApp() throws InterruptedException {
        if (app != null) {
            app.destroy();
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theAotProcessedAppPaysAnOrderOnceUnderItsLock() throws Exception {
        int port = freePort();
        Path log = startAotProcessedApp(port);

        assertThat(Files.readString(log)).as("the app says it runs AOT-processed").contains("Starting AOT-processed");
        assertThat(get(port, "/actuator/health")).containsPattern("\"distlock\":\\{\"details\":\\{\"backend\":\"jdbc\"[^}]*},\"status\":\"UP\"");

        long first = token(pay(port, "aot-1"), true);
        long second = token(pay(port, "aot-1"), false);
        assertThat(second).as("a later holder of the same key has a higher fencing token").isGreaterThan(first);

        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(() -> pay(port, "aot-2"));
            }
            List<String> payments = new ArrayList<>();
            for (Future<String> payment : pool.invokeAll(calls, 60, TimeUnit.SECONDS)) {
                payments.add(payment.get());
            }
            assertThat(payments).as("concurrent payments of one order, one charge").filteredOn(p -> p.contains("\"charged\":true")).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theAotOutputCarriesTheHintsANativeImageNeeds() throws IOException {
        String metadata;
        try (ZipFile jar = new ZipFile(System.getProperty("sample.jar"))) {
            ZipEntry entry = jar.stream().filter(e -> e.getName().endsWith("/distlock-sample-app/reachability-metadata.json")).findFirst()
                    .orElseThrow(() -> new AssertionError("no reachability-metadata.json in " + jar.getName()));
            // JSON may escape the slashes of a resource glob
            metadata = new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8).replace("\\/", "/");
        }
        assertThat(metadata).as("the annotation, the SpEL root, the key type of OrderService.pay, the JDBC schemas")
                .contains("\"dev.distlock.DistributedLock\"", "\"dev.distlock.autoconfigure.interceptor.LockExpressionRoot\"",
                        "\"dev.distlock.sample.Order\"", "dev/distlock/jdbc/schema-");
    }

    private Path startAotProcessedApp(int port) throws IOException {
        Path log = directory.resolve("app.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        app = new ProcessBuilder(java, "-Dspring.aot.enabled=true", "-jar", System.getProperty("sample.jar"),
                "--server.port=" + port,
                "--spring.datasource.url=jdbc:h2:file:" + directory.resolve("db") + ";AUTO_SERVER=TRUE",
                "--sample.report.interval=PT1H")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // start-up of a JVM on a busy 2-core machine; the bound only stops a hung run
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(app.isAlive()).as("the app is running; it printed:%n%s", Files.readString(log)).isTrue();
            return Files.readString(log).contains("Started SampleApplication");
        });
        return log;
    }

    private static long token(String payment, boolean charged) {
        Matcher matcher = PAYMENT.matcher(payment);
        assertThat(matcher.find()).as("a payment: %s", payment).isTrue();
        assertThat(Boolean.parseBoolean(matcher.group(2))).as("charged in %s", payment).isEqualTo(charged);
        return Long.parseLong(matcher.group(1));
    }

    private String pay(int port, String order) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders/" + order + "/pay"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("POST /orders/%s/pay: %s", order, response.body()).isEqualTo(200);
        return response.body();
    }

    private String get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
