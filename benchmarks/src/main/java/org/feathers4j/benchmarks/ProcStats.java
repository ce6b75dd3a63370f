package org.feathers4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process' RSS, peak RSS and CPU time from {@code /proc} (Linux). */
final class ProcStats {

    /** Clock ticks per second of {@code /proc/<pid>/stat}; 100 on Linux (USER_HZ). */
    static final long TICKS_PER_SECOND = 100;

    /**
     * @param rssKiB   VmRSS
     * @param hwmKiB   VmHWM (peak RSS since start)
     * @param cpuTicks utime + stime
     */
    record Sample(long rssKiB, long hwmKiB, long cpuTicks) {
        double rssMiB() {
            return rssKiB / 1024.0;
        }

        double hwmMiB() {
            return hwmKiB / 1024.0;
        }

        double cpuMs() {
            return cpuTicks * 1000.0 / TICKS_PER_SECOND;
        }
    }

    private ProcStats() {
    }

    static Sample sample(long pid) {
        long rss = -1;
        long hwm = -1;
        long cpu = -1;
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) rss = kib(l);
                else if (l.startsWith("VmHWM:")) hwm = kib(l);
            }
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": field 3 (state) is f[0]; utime is field 14, stime field 15
            cpu = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            // process gone or no /proc: figures stay -1
        }
        return new Sample(rss, hwm, cpu);
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /** Busy and total jiffies of the whole machine, from the {@code cpu} line of {@code /proc/stat}; zeros if unreadable. */
    static long[] machineTicks() {
        try {
            String line = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+");
            long total = 0;
            long idle = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i == 4 || i == 5) idle += v; // idle, iowait
            }
            return new long[] {total - idle, total};
        } catch (java.io.IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /**
     * Waits until the machine is quiet (under {@code maxBusyShare} of all cores busy over half a
     * second), at most {@code max}; the previous configuration's broker aftermath (queue deletion,
     * GC of a finished process) must not be charged to the next. Returns the last busy share seen.
     */
    static double awaitQuiet(double maxBusyShare, java.time.Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        double share = 1;
        while (System.nanoTime() < deadline) {
            long[] a = machineTicks();
            Thread.sleep(500);
            long[] b = machineTicks();
            if (b[1] == a[1]) return 0; // /proc/stat not readable: do not wait
            share = (double) (b[0] - a[0]) / (b[1] - a[1]);
            if (share < maxBusyShare) return share;
        }
        return share;
    }
}
