package org.feathers4j.sync.spi.support;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with jitter, for adapters whose client library has no delay type of its own
 * (used by RabbitMQ's first connection and MongoDB's retries; Redis uses Lettuce's {@code Delay}, NATS its client's reconnect wait). The
 * first retry comes after {@code initial}, each next one after twice as long, up to {@code max};
 * each delay is drawn from its upper half, so instances that lost the broker together do not
 * return together.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;

    private Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    /**
     * @param initial the first delay, &gt; 0
     * @param max     the longest delay, &ge; {@code initial}
     */
    public static Backoff exponential(Duration initial, Duration max) {
        SyncAssert.positive("initial", initial);
        SyncAssert.isTrue(max != null && max.compareTo(initial) >= 0, () -> "max must be >= initial, got " + max);
        return new Backoff(initial, max);
    }

    /**
     * The delay before retry number {@code attempt} (1 for the first retry).
     *
     * @param attempt 1 or more; larger values stay at {@code max}
     */
    public Duration delay(int attempt) {
        SyncAssert.isTrue(attempt >= 1, () -> "attempt must be >= 1, got " + attempt);
        long base = initial.toMillis();
        long cap = max.toMillis();
        long d = base;
        for (int i = 1; i < attempt && d < cap; i++) d = Math.min(cap, d * 2);
        long half = Math.max(1, d / 2);
        return Duration.ofMillis(d - half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    /** The first delay. */
    public Duration initial() {
        return initial;
    }

    /** The longest delay. */
    public Duration max() {
        return max;
    }

    @Override
    public String toString() {
        return "Backoff{" + OptionReader.format(initial) + ".." + OptionReader.format(max) + "}";
    }
}
