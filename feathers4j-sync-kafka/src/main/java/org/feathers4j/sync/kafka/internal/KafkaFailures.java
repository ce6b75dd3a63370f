package org.feathers4j.sync.kafka.internal;

import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.spi.support.SyncFailures;

/** Sorts what kafka-clients reports into {@link SyncException}s with their {@link Reason}. */
final class KafkaFailures {

    static final String TYPE = "kafka";

    private KafkaFailures() {
    }

    /** A failure report of this adapter. */
    static SyncException of(Reason reason, String message, Throwable cause) {
        return new SyncException(TYPE, reason, message, cause);
    }

    /**
     * What kind of failure a client exception is: a class path problem, a failed TLS handshake,
     * refused credentials, a missing permission (ACL), a bad setting, an unreachable cluster, else internal.
     */
    static Reason reason(Throwable e) {
        if (SyncFailures.isUnrecoverable(e)) return Reason.INCOMPATIBLE_CLASSPATH;
        if (inChain(e, SslAuthenticationException.class)) return Reason.TLS;
        if (inChain(e, AuthenticationException.class)) return Reason.AUTHENTICATION;
        if (inChain(e, AuthorizationException.class)) return Reason.AUTHORIZATION;
        if (inChain(e, ConfigException.class) || inChain(e, InvalidConfigurationException.class)
                || inChain(e, InvalidReplicationFactorException.class) || inChain(e, PolicyViolationException.class)
                || inChain(e, UnsupportedVersionException.class)) {
            return Reason.CONFIGURATION;
        }
        if (inChain(e, TimeoutException.class) || inChain(e, java.util.concurrent.TimeoutException.class)
                || inChain(e, IOException.class)) {
            return Reason.UNREACHABLE;
        }
        if (inChain(e, RetriableException.class)) return Reason.PROTOCOL;
        return Reason.INTERNAL;
    }

    /** The innermost Kafka client message of a failure (futures wrap it in ExecutionException). */
    static String detail(Throwable e) {
        Throwable t = e;
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        while (t.getCause() != null && seen.put(t, Boolean.TRUE) == null
                && (t instanceof java.util.concurrent.ExecutionException || t instanceof java.util.concurrent.CompletionException
                        || t.getMessage() == null)) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    static boolean inChain(Throwable error, Class<? extends Throwable> type) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = error; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }
}
