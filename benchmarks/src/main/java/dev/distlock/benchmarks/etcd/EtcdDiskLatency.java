package dev.distlock.benchmarks.etcd;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What etcd says each write cost on this disk, from its own {@code /metrics}: the WAL fsync every raft
 * entry waits for, and the backend (bbolt) commit. A hand-off is at least two such writes (the holder's
 * delete, the waiter's put), so these figures are the part of its latency no client can remove.
 */
record EtcdDiskLatency(Histogram walFsync, Histogram backendCommit) {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

    /** The member's histograms since it started, or empty when {@code /metrics} cannot be read. */
    static Optional<EtcdDiskLatency> read(String clientUrl) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(clientUrl + "/metrics")).timeout(READ_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            List<String> lines = response.body().lines().toList();
            return Optional.of(new EtcdDiskLatency(Histogram.of(lines, "etcd_disk_wal_fsync_duration_seconds"),
                    Histogram.of(lines, "etcd_disk_backend_commit_duration_seconds")));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "WAL fsync " + walFsync + "; backend commit " + backendCommit;
    }

    /** A Prometheus histogram: its count, sum and cumulative buckets (upper bound in seconds, count). */
    record Histogram(long count, double sumSeconds, List<double[]> buckets) {

        static Histogram of(List<String> lines, String name) {
            long count = 0;
            double sum = 0;
            List<double[]> buckets = new ArrayList<>();
            for (String line : lines) {
                if (line.startsWith(name + "_bucket{le=\"")) {
                    String bound = line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'));
                    double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
                    buckets.add(new double[] {upper, value(line)});
                } else if (line.startsWith(name + "_sum ")) {
                    sum = value(line);
                } else if (line.startsWith(name + "_count ")) {
                    count = (long) value(line);
                }
            }
            return new Histogram(count, sum, buckets);
        }

        /** The upper bound of the bucket that holds the {@code q} quantile: "at most this", in ms. */
        double quantileAtMostMillis(double q) {
            for (double[] bucket : buckets) {
                if (bucket[1] >= q * count) {
                    return bucket[0] * 1000;
                }
            }
            return Double.NaN;
        }

        @Override
        public String toString() {
            if (count == 0) {
                return "none";
            }
            return String.format(Locale.ROOT, "%d, mean %.2f ms, p50 <= %.0f ms, p90 <= %.0f ms",
                    count, sumSeconds * 1000 / count, quantileAtMostMillis(0.5), quantileAtMostMillis(0.9));
        }

        private static double value(String line) {
            return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
    }
}
