package org.feathers4j.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of an instance: where the CPU samples fall (top frames, methods on
 * the stack, by package and by thread) and how much time GC paused. {@code main(file...)} prints it.
 */
public final class JfrSummary {

    private JfrSummary() {
    }

    /** Prints the summary of each recording given. */
    public static void main(String[] args) throws IOException {
        for (String a : args) System.out.println(summarise(Path.of(a), 30));
    }

    static String summarise(Path jfr, int top) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> packages = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int samples = 0;
        int gcs = 0;
        Duration gcPause = Duration.ZERO;
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.GarbageCollection")) {
                gcs++;
                gcPause = gcPause.plus(e.getDuration("sumOfPauses"));
                continue;
            }
            if (!type.equals("jdk.ExecutionSample")) continue;
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) continue;
            samples++;
            RecordedThread t = e.getThread("sampledThread");
            threads.merge(t == null ? "?" : threadGroup(t.getJavaName()), 1, Integer::sum);
            List<RecordedFrame> frames = st.getFrames();
            String topName = name(frames.get(0).getMethod());
            self.merge(topName, 1, Integer::sum);
            packages.merge(pkg(frames.get(0).getMethod()), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f.getMethod());
                if (seen.add(n)) total.merge(n, 1, Integer::sum);
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("JFR ").append(jfr.getFileName()).append(": ").append(samples).append(" CPU samples, ")
                .append(gcs).append(" GCs pausing ").append(gcPause.toMillis()).append(" ms in total\n");
        section(sb, "samples by thread", threads, samples, top);
        section(sb, "top frame by package", packages, samples, top);
        section(sb, "top frame (self)", self, samples, top);
        section(sb, "on the stack (total)", total, samples, top);
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, Map<String, Integer> m, int samples, int top) {
        sb.append("\n").append(title).append(":\n");
        m.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(top).forEach(e ->
                sb.append(String.format(java.util.Locale.ROOT, "  %5.1f%%  %6d  %s%n", 100.0 * e.getValue() / Math.max(1, samples),
                        e.getValue(), e.getKey())));
    }

    private static String name(RecordedMethod m) {
        return m.getType().getName() + "." + m.getName();
    }

    private static String pkg(RecordedMethod m) {
        String cls = m.getType().getName();
        String[] p = cls.split("\\.");
        int n = Math.min(p.length - 1, cls.startsWith("org.feathers4j") ? 3 : 2);
        return n <= 0 ? cls : String.join(".", java.util.Arrays.copyOf(p, n));
    }

    private static String threadGroup(String name) {
        return name == null ? "?" : name.replaceAll("[-#]?\\d+$", "-N").replaceAll("\\d+", "N");
    }
}
