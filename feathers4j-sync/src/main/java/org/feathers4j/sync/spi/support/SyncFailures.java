package org.feathers4j.sync.spi.support;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one rule every adapter uses to sort an error it did not expect (thrown in a callback, a
 * scheduled task, a future stage, a listener) into "retry" and "give up".
 *
 * <p>An error is <em>unrecoverable</em> when a {@link LinkageError} is anywhere in its cause chain:
 * {@link NoClassDefFoundError}, {@link ExceptionInInitializerError}, {@link UnsatisfiedLinkError},
 * {@link IncompatibleClassChangeError} and the like. They come from the class path (for example
 * Netty 4.1 and 4.2 jars mixed), not from the broker, and fail the same way on every attempt, so an
 * adapter that meets one reports {@code FAILED} at once instead of retrying forever. Everything
 * else is left to the adapter's own rules (refused credentials, incompatible topology are
 * unrecoverable there too; network errors are retried).
 */
public final class SyncFailures {

    private SyncFailures() {
    }

    /**
     * Whether retrying cannot fix {@code error}: a {@link LinkageError} is the error itself or one
     * of its causes.
     *
     * @param error the error, possibly wrapped ({@code CompletionException}, adapter exceptions); may be {@code null}
     * @return {@code true} if the adapter should fail rather than retry
     */
    public static boolean isUnrecoverable(Throwable error) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = error; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof LinkageError) return true;
        }
        return false;
    }

    /**
     * The error under {@link CompletionException} and {@link ExecutionException} wrappers, which
     * future stages add and which say nothing about the cause.
     *
     * @param error the error; may be {@code null}
     * @return the innermost wrapped cause, or {@code error} itself
     */
    public static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null
                && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * A short description for log lines: the class and message of the error, and of the cause
     * that matters when that differs: the first {@link LinkageError} in the chain, else the root
     * cause ({@code RedisSyncException: ... (caused by NoClassDefFoundError: io/netty/...)}).
     *
     * @param error the error; may be {@code null}
     * @return the description, {@code "none"} for {@code null}
     */
    public static String describe(Throwable error) {
        if (error == null) return "none";
        Throwable e = unwrap(error);
        // the cause worth naming: the first LinkageError (what made it unrecoverable), else the root
        Throwable root = e;
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        while (!(root instanceof LinkageError) && root.getCause() != null && seen.put(root, Boolean.TRUE) == null) {
            root = root.getCause();
        }
        String s = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (root != e) {
            String r = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
            if (!s.contains(r)) s += " (caused by " + r + ")";
        }
        return s;
    }
}
