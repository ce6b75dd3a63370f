package org.feathers4j.sync.amqp.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.spi.support.SyncFailures;

/**
 * Sorts what the RabbitMQ client throws into a {@link SyncException} with its {@link Reason}: the
 * reason's {@link Reason#isRetryable()} is the adapter's one rule for "fail or retry".
 */
final class AmqpFailures {

    static final String TYPE = "amqp";

    private final String where;
    private final Topology topology;

    /** @param where the broker, for messages, without secrets */
    AmqpFailures(String where, Topology topology) {
        this.where = where;
        this.topology = topology;
    }

    /** The failure of a closed adapter (for what was still waiting to be sent). */
    static SyncException closed() {
        return new SyncException(TYPE, Reason.CLOSED, "amqp sync adapter closed");
    }

    /**
     * What {@code e}, thrown while doing {@code what}, means for sync. Not retryable: a broken
     * class path, refused credentials or permissions, a missing virtual host, an exchange or queue
     * that exists with other settings, a failed TLS handshake. Everything else (network, a channel
     * closed for another reason, a time-out) is retried.
     *
     * @param what what was being done, for the message of a retryable failure, e.g. {@code "connect"}
     * @param e    what the client threw; a {@link SyncException} is returned as it is
     */
    SyncException classify(String what, Throwable e) {
        if (e instanceof SyncException s) return s;
        if (SyncFailures.isUnrecoverable(e)) {
            return fail(Reason.INCOMPATIBLE_CLASSPATH, "cannot use the broker at " + where + ": " + SyncFailures.describe(e)
                    + " (not retried: a class is missing or incompatible on the class path)", e);
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthenticationFailureException) {
                return fail(Reason.AUTHENTICATION, "the broker at " + where
                        + " refused the credentials (ACCESS_REFUSED); check the user name and password", t);
            }
            if (t instanceof SSLHandshakeException || t instanceof SSLPeerUnverifiedException || t instanceof CertificateException) {
                return fail(Reason.TLS, "the TLS handshake with the broker at " + where + " failed: " + SyncFailures.describe(t), t);
            }
            if (t instanceof ShutdownSignalException s) {
                SyncException refused = refused(s.getReason(), s);
                if (refused != null) return refused;
            }
        }
        Reason reason = e instanceof TimeoutException || hasChannelClose(e) ? Reason.PROTOCOL
                : e instanceof IOException || e instanceof ShutdownSignalException ? Reason.UNREACHABLE : Reason.INTERNAL;
        return fail(reason, what + " (" + where + ") failed: " + SyncFailures.describe(e), e);
    }

    /** A refusal by the broker retrying cannot change, or {@code null}. */
    private SyncException refused(Method m, ShutdownSignalException s) {
        if (m instanceof AMQP.Connection.Close cc) {
            int code = cc.getReplyCode();
            if (code == AMQP.ACCESS_REFUSED) {
                return fail(Reason.AUTHORIZATION, "the broker at " + where + " refused the connection: " + cc.getReplyText(), s);
            }
            if (code == AMQP.NOT_ALLOWED) {
                // "vhost x not found" or "access to vhost 'x' refused for user 'y'"
                Reason r = cc.getReplyText().contains("not found") ? Reason.CONFIGURATION : Reason.AUTHORIZATION;
                return fail(r, "the broker at " + where + " refused the connection: " + cc.getReplyText()
                        + " (does the virtual host exist, and may this user use it?)", s);
            }
        }
        if (m instanceof AMQP.Channel.Close ch) {
            int code = ch.getReplyCode();
            if (code == AMQP.PRECONDITION_FAILED) {
                return fail(Reason.CONFIGURATION, "exchange '" + topology.exchange() + "' or queue '" + topology.queue()
                        + "' already exists with other settings: " + ch.getReplyText()
                        + ". feathers-sync declares the exchange as a non-durable fanout; delete it or use another key", s);
            }
            if (code == AMQP.ACCESS_REFUSED) {
                return fail(Reason.AUTHORIZATION, "the broker refused to declare or consume exchange '"
                        + topology.exchange() + "' / queue '" + topology.queue() + "': " + ch.getReplyText(), s);
            }
            if (code == AMQP.RESOURCE_LOCKED) {
                return fail(Reason.CONFIGURATION, "the broker refused to declare or consume exchange '"
                        + topology.exchange() + "' / queue '" + topology.queue() + "': " + ch.getReplyText(), s);
            }
        }
        return null;
    }

    /** The reply code of a channel closed by the broker somewhere in {@code e}'s causes, or 0. */
    static int replyCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ShutdownSignalException s && s.getReason() instanceof AMQP.Channel.Close ch) return ch.getReplyCode();
        }
        return 0;
    }

    private static boolean hasChannelClose(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ShutdownSignalException s && !s.isHardError()) return true;
        }
        return false;
    }

    private static SyncException fail(Reason reason, String message, Throwable cause) {
        return new SyncException(TYPE, reason, "amqp sync: " + message, cause);
    }
}
