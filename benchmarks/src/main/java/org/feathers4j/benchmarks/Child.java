package org.feathers4j.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One instance process the coordinator drives: commands to its stdin, one reply line per command
 * from its stdout, its stderr to a log file. Every child is killed (with its descendants) on
 * {@link #close()} and, as a last resort, by a JVM shutdown hook.
 */
final class Child implements AutoCloseable {

    private static final Set<Child> LIVE = ConcurrentHashMap.newKeySet();
    private static final String EOF = "\u0000EOF";

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Child c : LIVE) c.kill();
        }, "bench-kill-children"));
    }

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path log;

    private Child(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) lines.add(l);
            } catch (IOException ignored) {
                // the process ended
            } finally {
                lines.add(EOF);
            }
        }, "bench-read-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a child; its stderr goes to {@code log}. */
    static Child start(String name, List<String> command, File workDir, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove("DEBUG"); // keep Node's debug output off
        Child c = new Child(name, pb.start(), log);
        LIVE.add(c);
        return c;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Sends one command line. */
    void send(String command) throws IOException {
        stdin.write(command);
        stdin.write('\n');
        stdin.flush();
    }

    /**
     * The next reply line, which must start with {@code prefix}.
     *
     * @throws IllegalStateException on a timeout, an error reply, another reply or the process' end
     */
    String expect(String prefix, Duration timeout) throws InterruptedException {
        String l = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        while (l != null && l.matches("^\\[[0-9.]+s\\].*")) { // a JVM log line that went to stdout after all
            System.err.println(name + ": " + l);
            l = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (l == null) throw new IllegalStateException(name + ": no " + prefix + " within " + timeout.toSeconds() + " s (log: " + log + ")");
        if (EOF.equals(l)) {
            lines.add(EOF);
            throw new IllegalStateException(name + " exited" + exitInfo() + " while we waited for " + prefix + " (log: " + log + ")");
        }
        if (!l.startsWith(prefix)) {
            throw new IllegalStateException(name + " answered '" + abbreviate(l) + "' instead of " + prefix + " (log: " + log + ")");
        }
        return l;
    }

    /** Sends a command and returns its reply. */
    String call(String command, String replyPrefix, Duration timeout) throws IOException, InterruptedException {
        send(command);
        return expect(replyPrefix, timeout);
    }

    private String exitInfo() {
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? " with status " + process.exitValue() : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /** The process' memory and CPU figures now. */
    ProcStats.Sample sample() {
        return ProcStats.sample(process.pid());
    }

    /** Asks the child to quit, then kills it (and its descendants) if it does not within a few seconds. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                send("QUIT");
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException ignored) {
            // killed below
        } finally {
            kill();
        }
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LIVE.remove(this);
    }
}
