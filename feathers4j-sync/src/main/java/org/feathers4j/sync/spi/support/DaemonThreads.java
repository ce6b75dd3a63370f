package org.feathers4j.sync.spi.support;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for adapters: daemon threads (sync must never keep a JVM alive) with names that
 * say whose they are, {@code feathers4j-<type>-sync-<role>}, numbered from the second thread on.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /**
     * A factory of daemon threads named {@code feathers4j-<type>-sync-<role>}, then {@code ...-2},
     * {@code ...-3}.
     *
     * @param type the adapter type, e.g. {@code "redis"}
     * @param role what the threads do, e.g. {@code "delivery"}, {@code "publisher"}
     */
    public static ThreadFactory factory(String type, String role) {
        return named("feathers4j-" + Objects.requireNonNull(type, "type") + "-sync-" + Objects.requireNonNull(role, "role"));
    }

    /**
     * A factory of daemon threads named exactly {@code name}, then {@code name-2}, {@code name-3}:
     * for threads that belong to no one adapter (e.g. sync's shared watch thread).
     */
    public static ThreadFactory named(String name) {
        Objects.requireNonNull(name, "name");
        AtomicInteger n = new AtomicInteger();
        return r -> {
            int i = n.incrementAndGet();
            Thread t = new Thread(r, i == 1 ? name : name + "-" + i);
            t.setDaemon(true);
            return t;
        };
    }
}
