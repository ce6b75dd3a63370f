package org.feathers4j.benchmarks.instance;

import java.util.concurrent.CompletionStage;

/** One way of sending benchmark events and receiving them: feathers4j sync or a raw broker client. */
interface Driver extends AutoCloseable {

    /** Connects and subscribes; returns once events published from now on will arrive. */
    void start(Recorder recorder) throws Exception;

    /**
     * Sends event {@code n} of {@code phase}; {@code sentNs} is {@code System.nanoTime()} taken just
     * before. The stage completes when the send call completed (create returned / broker accepted).
     */
    CompletionStage<?> send(String phase, int n, long sentNs);

    /** Writes out what {@link #send} buffered (drivers that pipeline); called before the sender blocks. */
    default void flush() {
    }

    /** Driver-specific counters for the log. */
    default String counters() {
        return "";
    }

    @Override
    void close() throws Exception;
}
