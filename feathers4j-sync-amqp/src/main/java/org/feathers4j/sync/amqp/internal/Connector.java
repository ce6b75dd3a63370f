package org.feathers4j.sync.amqp.internal;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.TopologyRecoveryException;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.amqp.AmqpSyncConfig;
import org.feathers4j.sync.spi.support.Backoff;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection: the first one is opened (and retried, with {@link Backoff}) here; once it is
 * open the client's automatic connection and topology recovery takes over, and this class hears
 * of losses, broker alarms and recoveries and tells the adapter.
 */
final class Connector {

    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);

    private final AmqpSyncAdapter adapter;
    private final AmqpSyncConfig config;
    private final ConnectionFactory factory; // null when given a connection
    private final Connection given;          // null when we own the connection
    private final String where;
    private final Backoff backoff;
    private final AtomicBoolean blocked = new AtomicBoolean();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong recoveries = new AtomicLong();
    private final AtomicLong recoveryFailures = new AtomicLong();
    private final AtomicLong blockedCount = new AtomicLong();
    private volatile Connection connection;
    private volatile boolean topologyBroken;
    private int connectAttempts; // scheduler thread only

    Connector(AmqpSyncAdapter adapter, AmqpSyncConfig config, ConnectionFactory factory, Connection given, String where) {
        this.adapter = adapter;
        this.config = config;
        this.factory = factory;
        this.given = given;
        this.where = where;
        Duration max = config.connectRetryMax();
        Duration initial = config.connectRetryInitial().compareTo(max) <= 0 ? config.connectRetryInitial() : max;
        this.backoff = Backoff.exponential(initial, max);
        if (factory != null) configureOwned(factory);
    }

    /**
     * Applies what an owned connection needs to {@code f}: automatic connection and topology
     * recovery, the recovery interval, and an exception handler that records recovery errors as
     * the adapter's last error (instead of logging each failed attempt at ERROR).
     */
    private void configureOwned(ConnectionFactory f) {
        f.setAutomaticRecoveryEnabled(true);
        f.setTopologyRecoveryEnabled(true);
        f.setNetworkRecoveryInterval(config.recoveryInterval().toMillis());
        f.setExceptionHandler(new ForgivingExceptionHandler() {
            @Override
            public void handleConnectionRecoveryException(Connection conn, Throwable e) {
                onRecoveryAttemptFailed(e);
            }

            @Override
            public void handleTopologyRecoveryException(Connection conn, Channel ch, TopologyRecoveryException e) {
                onTopologyRecoveryFailed(e);
            }

            @Override
            public void handleUnexpectedConnectionDriverException(Connection conn, Throwable e) {
                if (SyncFailures.isUnrecoverable(e)) adapter.submit(() -> adapter.unexpectedError("connection driver", e), 0);
                else LOG.debug("amqp sync: connection driver error (the connection is recovered)", e);
            }

            @Override
            protected void log(String message, Throwable e) {
                LOG.warn("amqp sync: {}", message, e);
            }
        });
    }

    /** Connects (owned) or sets up on the given connection, on the adapter's scheduler. */
    void start() {
        if (given != null) {
            listen(given);
            connection = given;
            adapter.submit(this::setupGiven, 0);
        } else {
            adapter.submit(this::connectOwned, 0);
        }
    }

    /** The current connection, or {@code null}. */
    Connection connection() {
        return connection;
    }

    private void connectOwned() {
        if (adapter.closed()) return;
        attempts.incrementAndGet();
        Connection c = null;
        try {
            c = factory.newConnection(config.connectionName());
            connection = c;
            listen(c);
            adapter.setup(c);
            LOG.info("amqp sync: connected to {}, exchange '{}', queue '{}'", where, adapter.topology().exchange(),
                    adapter.topology().queue());
            connectAttempts = 0;
            adapter.markConnected(true);
        } catch (Throwable e) {
            // Throwable: a NoClassDefFoundError from the client must end here too, not in the executor's Future
            connection = null;
            abort(c);
            SyncException x = adapter.retryOrFail("connect", e);
            if (x == null) return;
            adapter.lost(x);
            connectAttempts++;
            if (connectAttempts == 1) {
                LOG.warn("amqp sync: cannot connect to {} ({}); retrying until it is reachable, buffering up to {} messages",
                        where, SyncFailures.describe(e), adapter.bufferSize());
            } else if (connectAttempts % 20 == 0) {
                LOG.info("amqp sync: still cannot connect to {} after {} attempts ({})", where, connectAttempts,
                        SyncFailures.describe(e));
            }
            adapter.submit(this::connectOwned, backoff.delay(connectAttempts).toMillis());
        }
    }

    private void setupGiven() {
        if (adapter.closed()) return;
        Connection c = given;
        if (!c.isOpen()) {
            if (c instanceof Recoverable) {
                // handleRecovery runs the set-up
                adapter.lost(new SyncException(AmqpFailures.TYPE, Reason.UNREACHABLE,
                        "amqp sync: the given connection is closed; waiting for its automatic recovery"));
            } else {
                adapter.fail(new SyncException(AmqpFailures.TYPE, Reason.CONFIGURATION,
                        "amqp sync: the given connection is closed and has no automatic recovery"));
            }
            return;
        }
        try {
            adapter.setup(c);
            LOG.info("amqp sync: set up on {}, exchange '{}', queue '{}'", where, adapter.topology().exchange(),
                    adapter.topology().queue());
            adapter.markConnected(true);
        } catch (Throwable e) {
            SyncException x = adapter.retryOrFail("set-up", e);
            if (x == null) return;
            adapter.lost(x);
            adapter.submit(this::setupGiven, config.connectRetryInitial().toMillis());
        }
    }

    private void listen(Connection c) {
        c.addShutdownListener(cause -> adapter.guarded("connection shutdown listener", () -> onConnectionLost(c, cause)).run());
        c.addBlockedListener(reason -> adapter.guarded("blocked listener", () -> onBlocked(c, reason)).run(),
                () -> adapter.guarded("unblocked listener", () -> onUnblocked(c)).run());
        if (c instanceof Recoverable r) r.addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recoverable) {
                adapter.guarded("recovery listener", () -> onRecovered(c)).run();
            }

            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
                // nothing: the shutdown listener already switched to buffering
            }
        });
    }

    private void onConnectionLost(Connection c, ShutdownSignalException cause) {
        if (adapter.closed() || connection != c || cause.isInitiatedByApplication()) return;
        blocked.set(false);
        adapter.goDown(cause);
        if (!(c instanceof Recoverable)) {
            LOG.error("amqp sync: the given connection was lost and has no automatic recovery; sync stays disconnected ({})",
                    cause.getMessage());
        }
    }

    /**
     * The broker stopped reading our publishes (memory or disk alarm): buffer (bounded) instead of
     * queueing without limit behind a publisher thread that cannot write. Deliveries continue.
     */
    private void onBlocked(Connection c, String reason) {
        if (adapter.closed() || connection != c) return;
        blockedCount.incrementAndGet();
        blocked.set(true);
        adapter.blocked(reason);
        LOG.warn("amqp sync: the broker blocks publishing ({}); buffering up to {} messages", reason, adapter.bufferSize());
    }

    private void onUnblocked(Connection c) {
        if (adapter.closed() || connection != c) return;
        LOG.info("amqp sync: the broker accepts publishes again");
        if (!blocked.compareAndSet(true, false)) return;
        if (c.isOpen()) adapter.markConnected(false); // the same channel: what is unconfirmed may still be confirmed
    }

    private void onRecovered(Connection c) {
        if (adapter.closed() || connection != c) return;
        recoveries.incrementAndGet();
        long gen = adapter.generation();
        if (!adapter.isSetUp() || topologyBroken) {
            topologyBroken = false;
            adapter.submit(given != null && !adapter.isSetUp() ? this::setupGiven : () -> adapter.resetupNow(gen), 0);
            return;
        }
        adapter.submit(() -> {
            // the client re-declared what it recorded; declare the exchange again (on the channel
            // that recorded it) to learn of an incompatible one, e.g. re-created durable by
            // someone else while the broker was down
            Channel ch = adapter.publishingChannel();
            try {
                if (ch != null) adapter.topology().declareExchange(ch);
            } catch (Throwable e) {
                if (adapter.retryOrFail("exchange check after recovery", e) != null) adapter.resetupNow(gen);
                return;
            }
            LOG.info("amqp sync: connection to {} recovered; publishing again in {} ms", where, config.recoverySettle().toMillis());
            adapter.settleThenResume(gen);
        }, 0);
    }

    private void onRecoveryAttemptFailed(Throwable e) {
        if (SyncFailures.isUnrecoverable(e)) {
            adapter.submit(() -> adapter.unexpectedError("reconnect", e), 0);
            return;
        }
        long n = recoveryFailures.incrementAndGet();
        adapter.error(adapter.classify("reconnect", e));
        if (n == 1 || n % 30 == 0) {
            LOG.warn("amqp sync: reconnecting to {} failed ({}); {} attempt(s) failed so far, retrying every {} ms",
                    where, SyncFailures.describe(e), n, config.recoveryInterval().toMillis());
        }
    }

    private void onTopologyRecoveryFailed(TopologyRecoveryException e) {
        adapter.error(adapter.classify("topology recovery", e));
        topologyBroken = true; // handleRecovery, called next, sets it up again
        LOG.warn("amqp sync: recovering the topology failed ({}); setting it up again", SyncFailures.describe(e));
    }

    void counters(Map<String, Long> c) {
        c.put("connectAttempts", attempts.get());
        c.put("recoveries", recoveries.get());
        c.put("recoveryFailures", recoveryFailures.get());
        c.put("blocked", blockedCount.get());
    }

    /** On close: closes an owned connection (a given one stays open). */
    void close() {
        Connection c = connection;
        if (given != null || c == null) return;
        try {
            c.close(2000);
        } catch (IOException | RuntimeException e) {
            c.abort(1000);
        }
    }

    /** After failing: forgets the connection (its shutdown listener then ignores what follows) and aborts an owned one. */
    void release() {
        Connection c = connection;
        connection = null;
        if (given == null) abort(c);
    }

    private static void abort(Connection c) {
        if (c == null) return;
        try {
            c.abort(2000);
        } catch (RuntimeException ignored) {
            // best effort
        }
    }
}
