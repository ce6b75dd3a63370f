package org.feathers4j.sync;

import java.util.Objects;

/**
 * What every sync adapter fails with: {@code app.sync().lastError()}, a failed {@code ready()} and a
 * failed publish carry one of these (or the client library's own exception as its cause), so an
 * application handles "wrong password" the same way whatever the broker. {@link #reason()} says what
 * kind of failure it is and {@link #isRetryable()} whether the adapter keeps trying.
 *
 * <p>Adapters may subclass it for failures of their own; the reason stays the thing to switch on.
 */
public class SyncException extends RuntimeException {

    /** What kind of failure. */
    public enum Reason {
        /** The broker refused the credentials. Not retried. */
        AUTHENTICATION(false),
        /** The credentials are valid but lack a permission (ACL, vhost, topic). Not retried. */
        AUTHORIZATION(false),
        /** The TLS handshake failed (certificate, protocol, host name). Not retried. */
        TLS(false),
        /** A setting or the broker's topology is wrong for sync (bad option, wrong exchange type, not a capped collection). Not retried. */
        CONFIGURATION(false),
        /** The broker cannot be reached or the connection was lost. Retried. */
        UNREACHABLE(true),
        /** The broker answered something unexpected, or an operation timed out. Retried. */
        PROTOCOL(true),
        /** The class path is broken (a {@link LinkageError}, e.g. mixed Netty versions). Not retried. */
        INCOMPATIBLE_CLASSPATH(false),
        /** The adapter was closed, or failed earlier; nothing more is sent. */
        CLOSED(false),
        /** A message was dropped because the buffer of a disconnected adapter was full. */
        OVERFLOW(true),
        /** An error of the adapter or the client library that fits nowhere else. */
        INTERNAL(true);

        private final boolean retryable;

        Reason(boolean retryable) {
            this.retryable = retryable;
        }

        /** Whether an adapter keeps trying after a failure of this kind. */
        public boolean isRetryable() {
            return retryable;
        }
    }

    private final String type;
    private final Reason reason;

    /**
     * @param type    the adapter type, e.g. {@code "redis"}
     * @param reason  what kind of failure
     * @param message what happened, for people; no secrets (redact URIs with {@link SyncOptions#redact})
     * @param cause   the client library's exception, or {@code null}
     */
    public SyncException(String type, Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.type = Objects.requireNonNull(type, "type");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** As {@link #SyncException(String, Reason, String, Throwable)} without a cause. */
    public SyncException(String type, Reason reason, String message) {
        this(type, reason, message, null);
    }

    /** The adapter type, e.g. {@code "redis"}. */
    public String type() {
        return type;
    }

    /** What kind of failure this is. */
    public Reason reason() {
        return reason;
    }

    /** Whether the adapter keeps trying after it ({@code reason().isRetryable()}). */
    public boolean isRetryable() {
        return reason.isRetryable();
    }
}
