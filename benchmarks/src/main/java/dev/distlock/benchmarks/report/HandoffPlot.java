package dev.distlock.benchmarks.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Draws the hand-off latencies of one run as cumulative distributions (one line per client, the
 * latency on a log scale), from the samples {@link ResultCompactor} keeps for the hand-off benchmark.
 */
final class HandoffPlot {

    private static final int WIDTH = 760;
    private static final int HEIGHT = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd)};

    private HandoffPlot() {
    }

    /** Writes the plot and returns true, or returns false when the results hold no hand-off samples. */
    static boolean write(JsonNode results, String title, Path png) throws IOException {
        Map<String, List<double[]>> samples = new TreeMap<>();
        for (JsonNode result : results) {
            if (!result.path("benchmark").asText().endsWith(".handoff")) {
                continue;
            }
            List<double[]> points = new ArrayList<>();
            for (JsonNode iteration : result.path("primaryMetric").path("rawDataHistogram").path(0)) {
                for (JsonNode bucket : iteration) {
                    points.add(new double[] {bucket.get(0).asDouble(), bucket.get(1).asDouble()});
                }
            }
            if (!points.isEmpty()) {
                samples.put(result.path("params").path("impl").asText(), points);
            }
        }
        if (samples.isEmpty()) {
            return false;
        }
        double min = samples.values().stream().flatMap(List::stream).mapToDouble(p -> p[0]).min().orElse(1);
        double max = samples.values().stream().flatMap(List::stream).mapToDouble(p -> p[0]).max().orElse(10);
        double logMin = Math.floor(Math.log10(Math.max(min, 1)));
        double logMax = Math.ceil(Math.log10(Math.max(max, 10)));

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.LIGHT_GRAY);
        for (double decade = logMin; decade <= logMax; decade++) {
            int x = LEFT + (int) ((decade - logMin) / (logMax - logMin) * plotWidth);
            g.drawLine(x, TOP, x, TOP + plotHeight);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label(Math.pow(10, decade)), x - 15, TOP + plotHeight + 18);
            g.setColor(Color.LIGHT_GRAY);
        }
        for (int tenth = 0; tenth <= 10; tenth += 2) {
            int y = TOP + plotHeight - tenth * plotHeight / 10;
            g.drawLine(LEFT, y, LEFT + plotWidth, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(tenth * 10 + "%", LEFT - 40, y + 4);
            g.setColor(Color.LIGHT_GRAY);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotWidth, plotHeight);
        g.drawString(title + ": hand-off latency, share of hand-offs done within x (log scale)", LEFT, TOP - 15);
        g.drawString("release to next holder", LEFT + plotWidth / 2 - 60, HEIGHT - 12);
        int line = 0;
        for (Map.Entry<String, List<double[]>> client : samples.entrySet()) {
            Color color = COLORS[line % COLORS.length];
            g.setColor(color);
            g.setStroke(new BasicStroke(2f));
            List<double[]> points = new ArrayList<>(client.getValue());
            points.sort((a, b) -> Double.compare(a[0], b[0]));
            double total = points.stream().mapToDouble(p -> p[1]).sum();
            double seen = 0;
            int lastX = -1;
            int lastY = TOP + plotHeight;
            for (double[] point : points) {
                seen += point[1];
                int x = LEFT + (int) ((Math.log10(Math.max(point[0], 1)) - logMin) / (logMax - logMin) * plotWidth);
                int y = TOP + plotHeight - (int) (seen / total * plotHeight);
                if (lastX >= 0) {
                    g.drawLine(lastX, lastY, x, lastY);
                    g.drawLine(x, lastY, x, y);
                }
                lastX = x;
                lastY = y;
            }
            g.fillRect(LEFT + 10, TOP + 10 + line * 18, 14, 4);
            g.drawString(client.getKey(), LEFT + 30, TOP + 16 + line * 18);
            line++;
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
        return true;
    }

    private static String label(double micros) {
        if (micros >= 1_000_000) {
            return String.format(Locale.ROOT, "%.0f s", micros / 1_000_000);
        }
        if (micros >= 1_000) {
            return String.format(Locale.ROOT, "%.0f ms", micros / 1_000);
        }
        return String.format(Locale.ROOT, "%.0f µs", micros);
    }
}
