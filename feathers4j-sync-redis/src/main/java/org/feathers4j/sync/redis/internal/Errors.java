package org.feathers4j.sync.redis.internal;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.spi.support.SyncFailures;

/** Sorts Redis errors: which ones retrying can fix, and which {@link Reason} each one is reported with. */
final class Errors {

    private Errors() {
    }

    /** A {@link SyncException} with the reason {@link #reason(Throwable)} gives, {@code cause} as its cause. */
    static SyncException failure(String message, Throwable cause) {
        Throwable c = SyncFailures.unwrap(cause);
        return new SyncException(RedisSyncAdapter.TYPE, reason(c), message, c);
    }

    /** What kind of failure {@code e} is. */
    static Reason reason(Throwable e) {
        if (e == null) return Reason.UNREACHABLE;
        if (SyncFailures.isUnrecoverable(e)) return Reason.INCOMPATIBLE_CLASSPATH;
        if (e instanceof SyncException s) return s.reason();
        Reason refused = refusal(e);
        if (refused != null) return refused;
        Throwable t = SyncFailures.unwrap(e);
        if (t instanceof RedisCommandTimeoutException) return Reason.PROTOCOL;
        if (isConnectionProblem(t)) return Reason.UNREACHABLE;
        if (t instanceof RedisException) return Reason.PROTOCOL;
        return Reason.INTERNAL;
    }

    /** AUTHENTICATION, AUTHORIZATION or TLS when the server or the handshake refused us, else {@code null}. */
    private static Reason refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException && !isHandshakeTimeout(t)) return Reason.TLS;
            String m = t.getMessage();
            if (m == null) continue;
            String u = m.toUpperCase(Locale.ROOT);
            if (u.startsWith("NOPERM")) return Reason.AUTHORIZATION;
            if (u.startsWith("NOAUTH") || u.startsWith("WRONGPASS") || u.startsWith("ERR AUTH")
                    || u.contains("INVALID PASSWORD") || u.contains("INVALID USERNAME-PASSWORD")) {
                return Reason.AUTHENTICATION;
            }
        }
        return null;
    }

    /**
     * Whether retrying cannot fix the error: rejected credentials or permissions, or a TLS handshake that
     * failed (wrong port, untrusted certificate, host name mismatch).
     */
    static boolean isUnfixable(Throwable e) {
        return refusal(e) != null;
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
        Throwable t = SyncFailures.unwrap(e);
        if (t instanceof SyncException s) return s.reason() == Reason.UNREACHABLE || s.reason() == Reason.PROTOCOL;
        if (t instanceof RedisConnectionException || t instanceof RedisCommandTimeoutException
                || t instanceof IOException) {
            return !isUnfixable(t);
        }
        if (isClusterTransient(t)) return true;
        if (t instanceof RedisException) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            return (m.contains("not connected") || m.contains("disconnected") || m.contains("closed")
                    || m.contains("connection reset") || m.contains("reconnect")) && !isUnfixable(t);
        }
        return false;
    }

    /**
     * Whether a Redis Cluster refused the command for a while only: during a failover ({@code CLUSTERDOWN},
     * {@code MASTERDOWN}, {@code TRYAGAIN}, {@code LOADING}), a redirect Lettuce did not follow ({@code MOVED},
     * {@code ASK}), or Lettuce not (yet) knowing the slot's node (a topology being refreshed).
     */
    static boolean isClusterTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m == null) continue;
            if (m.startsWith("CLUSTERDOWN") || m.startsWith("MASTERDOWN") || m.startsWith("TRYAGAIN")
                    || m.startsWith("LOADING") || m.startsWith("MOVED") || m.startsWith("ASK ")
                    || m.startsWith("Cannot determine a partition") || m.contains("not known in the cluster view")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the command was refused before it was written (no connection: the adapter's own check, or Lettuce
     * rejecting commands while disconnected), so it never reached Redis. Such a refusal must not use up one of a
     * message's send attempts: while a link is down, the re-sends of every health check are refused so, and ten
     * of them dropped a message that Redis had never seen.
     */
    static boolean isRefusedUnsent(Throwable e) {
        Throwable t = SyncFailures.unwrap(e);
        if (t instanceof SyncException s) return s.reason() == Reason.UNREACHABLE;
        return t instanceof RedisException && t.getMessage() != null && t.getMessage().startsWith("Currently not connected");
    }

    /** Whether Redis refused the command because the key holds another type (the stream key is taken). */
    static boolean isWrongType(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.startsWith("WRONGTYPE")) return true;
        }
        return false;
    }
}
