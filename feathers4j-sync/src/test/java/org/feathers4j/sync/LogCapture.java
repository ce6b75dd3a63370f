package org.feathers4j.sync;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what is logged while it is open. The tests log with slf4j-simple, which writes each line
 * to whatever {@code System.err} is at that moment, so this swaps in a stream that keeps a copy and
 * still passes everything on. Use with try-with-resources; it ships in the test-jar for every
 * adapter module.
 */
public final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    private LogCapture() {
        PrintStream tee = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (copy) {
                    copy.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (copy) {
                    copy.write(b, off, len);
                }
                original.write(b, off, len);
            }

            @Override
            public void flush() {
                original.flush();
            }
        }, true, StandardCharsets.UTF_8);
        System.setErr(tee);
    }

    /** Starts capturing. */
    public static LogCapture start() {
        return new LogCapture();
    }

    /** Everything logged since {@link #start()}. */
    public String text() {
        synchronized (copy) {
            return copy.toString(StandardCharsets.UTF_8);
        }
    }

    /** The lines logged since {@link #start()} that contain every one of {@code parts}. */
    public java.util.List<String> lines(String... parts) {
        return text().lines().filter(l -> {
            for (String p : parts) if (!l.contains(p)) return false;
            return true;
        }).toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
