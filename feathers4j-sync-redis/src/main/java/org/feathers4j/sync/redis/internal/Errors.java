package org.feathers4j.sync.redis.internal;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/** Sorts Redis errors into those retrying can fix and those it cannot. */
final class Errors {

    private Errors() {
    }

    /** The cause under completion and execution wrappers. */
    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Whether retrying cannot fix the error: rejected credentials or permissions, or a TLS handshake that
     * failed (wrong port, untrusted certificate, host name mismatch).
     */
    static boolean isUnfixable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException && !isHandshakeTimeout(t)) return true;
            String m = t.getMessage();
            if (m == null) continue;
            String u = m.toUpperCase(Locale.ROOT);
            if (u.startsWith("NOAUTH") || u.startsWith("WRONGPASS") || u.startsWith("NOPERM")
                    || u.startsWith("ERR AUTH") || u.contains("INVALID PASSWORD")
                    || u.contains("INVALID USERNAME-PASSWORD")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isHandshakeTimeout(Throwable t) {
        return t.getClass().getSimpleName().equals("SslHandshakeTimeoutException");
    }

    /**
     * Whether a connection attempt reached the server but never completed its handshake (TLS or Redis): what a
     * {@code rediss://} URI pointing at a plain port looks like.
     */
    static boolean isHandshakeStall(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (isHandshakeTimeout(t)) return true;
            String m = t.getMessage();
            if (m != null && m.toLowerCase(Locale.ROOT).contains("initialization timed out")) return true;
        }
        return false;
    }

    /** Whether the error comes from a lost, refused or stalled connection, so the command may be sent again. */
    static boolean isConnectionProblem(Throwable e) {
        Throwable t = unwrap(e);
        if (isUnfixable(t)) return false;
        if (t instanceof RedisConnectionException || t instanceof RedisCommandTimeoutException
                || t instanceof IOException) {
            return true;
        }
        if (t instanceof RedisException) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            return m.contains("not connected") || m.contains("disconnected") || m.contains("closed")
                    || m.contains("connection reset") || m.contains("reconnect");
        }
        return false;
    }
}
