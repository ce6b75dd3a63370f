package org.feathers4j.sync.mongodb.internal;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.spi.support.SyncFailures;

/**
 * The one place that sorts what the driver throws: into "retry" ({@link #isTransient}) and into
 * the {@link SyncException} the adapter reports ({@link #toSyncException}).
 */
final class MongoErrors {

    static final String TYPE = "mongodb";
    /** The server's code for a user lacking a role. */
    static final int UNAUTHORIZED = 13;

    private MongoErrors() {
    }

    /** A failure of this adapter, with no driver exception under it. */
    static SyncException of(Reason reason, String message) {
        return new SyncException(TYPE, reason, message);
    }

    /** A failure of this adapter, with the driver's exception as cause. */
    static SyncException of(Reason reason, String message, Throwable cause) {
        return new SyncException(TYPE, reason, message, cause);
    }

    /** The message of a publish that the closing adapter did not write. */
    static SyncException closedBeforeWritten(Throwable cause) {
        return of(Reason.CLOSED, "mongodb sync adapter closed before the message was written", cause);
    }

    /**
     * What the adapter reports for {@code e}: {@code e} itself if it is a {@link SyncException},
     * else one with the reason that fits, the same message and {@code e} as cause.
     */
    static SyncException toSyncException(Throwable e) {
        Throwable t = SyncFailures.unwrap(e);
        if (t instanceof SyncException s) return s;
        return of(reason(t), message(t), t);
    }

    private static Reason reason(Throwable t) {
        if (SyncFailures.isUnrecoverable(t)) return Reason.INCOMPATIBLE_CLASSPATH;
        if (t instanceof MongoSecurityException) return Reason.AUTHENTICATION;
        if (t instanceof MongoCommandException c && c.getErrorCode() == UNAUTHORIZED) return Reason.AUTHORIZATION;
        if (t instanceof RuntimeException r && isTransient(r)) return Reason.UNREACHABLE;
        if (t instanceof MongoException) return Reason.PROTOCOL;
        return Reason.INTERNAL;
    }

    private static String message(Throwable t) {
        if (t instanceof Error) return "mongodb sync: " + SyncFailures.describe(t);
        return t.getMessage() != null ? t.getMessage() : t.getClass().getName();
    }

    /** Whether an error may pass by itself (network, election, pool cleared). */
    static boolean isTransient(RuntimeException e) {
        if (e instanceof MongoSocketException || e instanceof MongoTimeoutException || e instanceof MongoNotPrimaryException
                || e instanceof MongoNodeIsRecoveringException || e instanceof MongoConnectionPoolClearedException) {
            return true;
        }
        return e instanceof MongoException m && (m.hasErrorLabel("RetryableWriteError") || m.hasErrorLabel("TransientTransactionError"));
    }
}
