package org.feathers4j.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Draws the PNG of a run with Java2D (no extra dependency): throughput per broker and family on
 * top, latency p50 (bar) and p99 (whisker) below.
 */
final class Plot {

    private static final int W = 1200;
    private static final int H = 820;
    private static final String[] FAMILIES = {BenchConfig.F4J, BenchConfig.F4J_DIRECT, BenchConfig.F4J_BATCH, BenchConfig.F4J_DURABLE,
            BenchConfig.F4J_DURABLE_BATCH, BenchConfig.FS, BenchConfig.RAW_JAVA, BenchConfig.RAW_NODE};
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0x17becf),
            new Color(0xff7f0e), new Color(0x7f7f7f), new Color(0xbcbcbc)};

    private Plot() {
    }

    static void write(List<Results.ConfigResult> results, Path png, String subtitle) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, Map<String, Results.ConfigResult>> byBroker = new LinkedHashMap<>();
        for (Results.ConfigResult r : results) {
            if (!r.hasFigures()) continue;
            byBroker.computeIfAbsent(r.config.broker(), b -> new LinkedHashMap<>()).put(r.config.family(), r);
        }
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString("feathers4j sync vs Node feathers-sync 3.1.1 vs raw clients (3 instance processes, one machine)", 30, 30);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(subtitle, 30, 50);
            legend(g, 30, 72);
            panel(g, byBroker, 100, 430, "throughput: events/s to each other instance (min of B, C), higher is better",
                    r -> r.median(Results.Rep::evPerSec), null, true);
            panel(g, byBroker, 470, 800, "latency A → B/C (ms): bar p50, whisker p99, lower is better",
                    r -> r.latency(0), r -> r.latency(2), false);
        } finally {
            g.dispose();
        }
        ImageIO.write(img, "png", png.toFile());
    }

    private static void legend(Graphics2D g, int x, int y) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int i = 0; i < FAMILIES.length; i++) {
            g.setColor(COLORS[i]);
            g.fillRect(x, y - 11, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(FAMILIES[i], x + 20, y + 1);
            x += 40 + g.getFontMetrics().stringWidth(FAMILIES[i]);
        }
    }

    private static void panel(Graphics2D g, Map<String, Map<String, Results.ConfigResult>> byBroker, int top, int bottom,
                              String title, ToDoubleFunction<Results.ConfigResult> value,
                              ToDoubleFunction<Results.ConfigResult> whisker, boolean kilo) {
        boolean log = !kilo; // latencies span decades: log scale
        int left = 90;
        int right = W - 30;
        int plotTop = top + 30;
        int axis = bottom - 30;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title + (log ? " (log scale)" : ""), left, top + 12);
        double max = 0;
        double min = Double.MAX_VALUE;
        for (Map<String, Results.ConfigResult> m : byBroker.values()) {
            for (Results.ConfigResult r : m.values()) {
                double v = finite(value.applyAsDouble(r));
                max = Math.max(max, v);
                if (v > 0) min = Math.min(min, v);
                if (whisker != null) max = Math.max(max, finite(whisker.applyAsDouble(r)));
            }
        }
        if (max <= 0) max = 1;
        double lo;
        double hi;
        if (log) {
            lo = Math.pow(10, Math.floor(Math.log10(Math.max(0.01, Math.min(min, max)))));
            hi = Math.pow(10, Math.ceil(Math.log10(max * 1.05)));
            if (hi <= lo) hi = lo * 10;
        } else {
            lo = 0;
            hi = niceCeil(max * 1.08);
        }
        final double low = lo;
        final double high = hi;
        java.util.function.DoubleToIntFunction y = v -> {
            double f = log ? (Math.log10(Math.max(v, low)) - Math.log10(low)) / (Math.log10(high) - Math.log10(low)) : v / high;
            return axis - (int) Math.round((axis - plotTop) * Math.max(0, Math.min(1, f)));
        };
        // grid and y labels
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        List<Double> ticks = new ArrayList<>();
        if (log) {
            for (double t = lo; t <= hi * 1.0001; t *= 10) ticks.add(t);
        } else {
            for (int i = 0; i <= 5; i++) ticks.add(hi * i / 5);
        }
        for (double t : ticks) {
            int ty = y.applyAsInt(t);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(left, ty, right, ty);
            g.setColor(Color.DARK_GRAY);
            String label = kilo ? Report.kilo(t) : Report.ms(t);
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), ty + 4);
        }
        g.setColor(Color.BLACK);
        g.drawLine(left, axis, right, axis);
        if (byBroker.isEmpty()) return;
        int groupW = (right - left) / byBroker.size();
        int barW = Math.min(60, (groupW - 40) / FAMILIES.length);
        int gi = 0;
        for (Map.Entry<String, Map<String, Results.ConfigResult>> e : byBroker.entrySet()) {
            int gx = left + gi * groupW + (groupW - barW * FAMILIES.length) / 2;
            for (int fi = 0; fi < FAMILIES.length; fi++) {
                Results.ConfigResult r = e.getValue().get(FAMILIES[fi]);
                if (r == null) continue;
                int x = gx + fi * barW;
                int cx = x + barW / 2;
                double v = finite(value.applyAsDouble(r));
                int barTop = y.applyAsInt(v);
                g.setColor(COLORS[fi]);
                g.fillRect(x + 3, barTop, barW - 6, axis - barTop);
                g.setColor(Color.BLACK);
                String label = kilo ? Report.kilo(v) : Report.ms(v);
                if (whisker != null) {
                    double w = finite(whisker.applyAsDouble(r));
                    int wy = y.applyAsInt(w);
                    g.setStroke(new BasicStroke(2f));
                    g.drawLine(cx, barTop, cx, wy);
                    g.drawLine(cx - 8, wy, cx + 8, wy);
                    g.setStroke(new BasicStroke(1f));
                    String wl = Report.ms(w);
                    g.drawString(wl, cx - g.getFontMetrics().stringWidth(wl) / 2, wy - 4);
                    // p50 inside the bar, near its foot
                    boolean inside = axis - barTop > 18;
                    g.setColor(inside ? Color.WHITE : Color.BLACK);
                    g.drawString(label, cx - g.getFontMetrics().stringWidth(label) / 2, inside ? axis - 5 : axis + 30);
                    g.setColor(Color.BLACK);
                } else {
                    g.drawString(label, cx - g.getFontMetrics().stringWidth(label) / 2, barTop - 4);
                }
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            String name = e.getKey();
            int gw = barW * FAMILIES.length;
            g.drawString(name, gx + gw / 2 - g.getFontMetrics().stringWidth(name) / 2, axis + 18);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            gi++;
        }
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    private static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) if (m * p >= v) return m * p;
        return 10 * p;
    }
}
