package org.feathers4j.sync.nats.internal;

import io.nats.client.AuthenticationException;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.support.SyncFailures;

/** Sorts what jnats reports into {@link SyncException}s with their {@link Reason}. */
final class NatsFailures {

    static final String TYPE = "nats";

    private NatsFailures() {
    }

    /** A failure report of this adapter. */
    static SyncException of(Reason reason, String message, Throwable cause) {
        return new SyncException(TYPE, reason, message, cause);
    }

    /**
     * What kind of failure a client exception is: a class path problem, refused credentials, a
     * failed TLS handshake, an unreachable server, else an internal error.
     */
    static Reason reason(Throwable e) {
        if (SyncFailures.isUnrecoverable(e)) return Reason.INCOMPATIBLE_CLASSPATH;
        if (inChain(e, AuthenticationException.class)) return Reason.AUTHENTICATION;
        if (inChain(e, SSLHandshakeException.class) || inChain(e, CertificateException.class)) return Reason.TLS;
        if (inChain(e, IOException.class) || inChain(e, TimeoutException.class)) return Reason.UNREACHABLE;
        return Reason.INTERNAL;
    }

    /**
     * A client exception reported by jnats' error listener, as the adapter's last error. Unreachable: worded like
     * the connect loop's own report (server named, "unreachable"), which the listener may overtake while
     * connection attempts fail; else "NATS client: " and the client's message.
     */
    static SyncException clientException(Exception exp, String where) {
        Reason reason = reason(exp);
        String detail = clean(exp.getMessage());
        return of(reason, reason == Reason.UNREACHABLE ? "NATS server " + where + " unreachable: " + detail
                : "NATS client: " + detail, exp);
    }

    /** What kind of failure an error line of the server ({@code -ERR ...}) is. */
    static Reason serverErrorReason(String error) {
        String e = error == null ? "" : error.toLowerCase(Locale.ROOT);
        if (e.contains("authorization violation") || e.contains("authentication")) return Reason.AUTHENTICATION;
        if (e.contains("permissions violation")) return Reason.AUTHORIZATION;
        return Reason.PROTOCOL;
    }

    /** A client message with the credentials of quoted server URLs masked. */
    static String clean(String s) {
        return s == null ? "no detail" : SyncOptions.redact(s);
    }

    private static boolean inChain(Throwable error, Class<? extends Throwable> type) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = error; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }
}
