package dev.distlock.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI that a test generates with the {@code openssl} command line: a CA, a server
 * certificate for {@code 127.0.0.1} and {@code localhost}, and a client certificate (for servers
 * that demand one, such as etcd's {@code --client-cert-auth}), all signed by the CA. PEM files,
 * keys in PKCS#8 ({@code BEGIN PRIVATE KEY}), EC P-256, valid for two days.
 */
public final class TestCertificates implements AutoCloseable {

    public static final String INSTALL_HINT = "apt-get install -y openssl";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Generates the CA and both certificates into a new temporary directory. */
    public static TestCertificates generate() {
        if (LocalServerProcess.findExecutable("openssl").isEmpty()) {
            throw new IllegalStateException("openssl is not installed; install it with: " + INSTALL_HINT);
        }
        try {
            TestCertificates certificates = new TestCertificates(Files.createTempDirectory("distlock-tls-"));
            certificates.create();
            return certificates;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PEM certificate of the CA that signed the server's and the client's certificates. */
    public Path caCertificate() {
        return dir.resolve("ca.pem");
    }

    /** PEM server certificate, subject alternative names IP 127.0.0.1 and DNS localhost. */
    public Path serverCertificate() {
        return dir.resolve("server.pem");
    }

    public Path serverKey() {
        return dir.resolve("server-key.pem");
    }

    /** PEM client certificate (extended key usage clientAuth). */
    public Path clientCertificate() {
        return dir.resolve("client.pem");
    }

    public Path clientKey() {
        return dir.resolve("client-key.pem");
    }

    @Override
    public void close() {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temp directory is harmless.
        }
    }

    private void create() throws IOException {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2", "-subj", "/CN=distlock test CA");
        signed("server", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        signed("client", "distlock test client", "extendedKeyUsage=clientAuth\n");
    }

    private void signed(String name, String commonName, String extensions) throws IOException {
        Path extensionFile = dir.resolve(name + ".ext");
        Files.writeString(extensionFile, extensions, StandardCharsets.US_ASCII);
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + "-key.pem", "-out", name + ".csr", "-subj", "/CN=" + commonName);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-extfile", extensionFile.getFileName().toString());
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
