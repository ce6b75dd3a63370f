package org.feathers4j.sync.spi.support;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Argument checks for adapter settings, with messages that name the setting. They throw
 * {@link IllegalArgumentException}: a wrong setting is the caller's error, found when the settings
 * are built, not when the broker is reached.
 */
public final class SyncAssert {

    private SyncAssert() {
    }

    /** Fails with the message unless {@code condition}. */
    public static void isTrue(boolean condition, Supplier<String> message) {
        if (!condition) throw new IllegalArgumentException(message.get());
    }

    /** {@code value} must not be {@code null}. */
    public static <T> T notNull(String name, T value) {
        if (value == null) throw new IllegalArgumentException(name + " must not be null");
        return value;
    }

    /** {@code value} must not be {@code null} nor blank. */
    public static String notEmpty(String name, String value) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException(name + " must not be empty");
        return value;
    }

    /** {@code d} must be longer than zero. */
    public static Duration positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, got " + (d == null ? null : OptionReader.format(d)));
        }
        return d;
    }

    /** {@code d} must be zero or longer. */
    public static Duration nonNegative(String name, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + (d == null ? null : OptionReader.format(d)));
        }
        return d;
    }

    /** {@code n} must be at least {@code min}. */
    public static long atLeast(String name, long n, long min) {
        if (n < min) throw new IllegalArgumentException(name + " must be >= " + min + ", got " + n);
        return n;
    }
}
