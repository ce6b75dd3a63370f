package org.feathers4j.sync.amqp.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.TopologyRecoveryException;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.amqp.AmqpSyncConfig;
import org.feathers4j.sync.spi.AbstractSyncAdapter;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AMQP 0-9-1 adapter. Topology: the non-durable fanout exchange {@code key} (as Node
 * feathers-sync 3.x declares it) and one named, non-exclusive queue per instance with an expiry,
 * bound to it. Two channels: one consumes (manual acks), one publishes (with publisher confirms).
 *
 * <p>The first connection is retried by this class; once connected, the client's automatic
 * connection and topology recovery takes over. Messages not confirmed when the connection drops
 * are sent again after recovery, before the ones buffered meanwhile, once {@code recoverySettle}
 * has passed.
 *
 * <p>Threads: a scheduler thread (connect attempts, settle timers, re-setup) and a publisher
 * thread (every basicPublish), so that the application never blocks on the broker.
 */
public final class AmqpSyncAdapter extends AbstractSyncAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpSyncAdapter.class);
    private static final long ACK_FLUSH_MS = 20;

    private final AmqpSyncConfig config;
    private final ConnectionFactory factory; // null when given a connection
    private final Connection given;          // null when we own the connection
    private final String exchange;
    private final String queue;
    private final String where;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService publisher;
    private final Object stateLock = new Object();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong order = new AtomicLong();
    private final AMQP.BasicProperties props;

    private volatile Connection connection;
    private volatile Channel pubChannel;
    private volatile Channel subChannel;
    private volatile boolean topologyDeclared;
    private volatile SyncConsumer consumer;
    private volatile boolean recovering;
    private volatile boolean topologyBroken;
    private boolean blocked; // guarded by stateLock
    private int connectAttempts; // scheduler thread only

    // publish bookkeeping: outstanding by channel sequence number; waiting (publisher thread only) by order
    private final ConcurrentSkipListMap<Long, Entry> outstanding = new ConcurrentSkipListMap<>();
    private final TreeMap<Long, Entry> waiting = new TreeMap<>();

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong nacked = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong recoveries = new AtomicLong();
    private final AtomicLong recoveryFailures = new AtomicLong();
    private final AtomicLong blockedCount = new AtomicLong();

    private record Entry(long order, byte[] bytes, CompletableFuture<Void> done) {
    }

    /**
     * An adapter that opens (and owns) its connections from {@code factory}, a factory of its own
     * (a copy): it turns on automatic connection and topology recovery there.
     */
    public AmqpSyncAdapter(SyncOptions options, AmqpSyncConfig config, ConnectionFactory factory, String where) {
        this(options, config, factory, null, where);
        configureOwned(factory);
    }

    /** An adapter on a connection the application owns (never closed by this adapter). */
    public AmqpSyncAdapter(SyncOptions options, AmqpSyncConfig config, Connection given) {
        this(options, config, null, given, "a given connection");
    }

    private AmqpSyncAdapter(SyncOptions options, AmqpSyncConfig config, ConnectionFactory factory, Connection given,
                            String where) {
        super("amqp", options);
        this.config = config;
        this.factory = factory;
        this.given = given;
        this.exchange = options.key();
        this.queue = config.queueName(options);
        this.where = where;
        this.props = config.persistent() ? new AMQP.BasicProperties.Builder().deliveryMode(2).build() : null;
        String name = "feathers4j-amqp-sync-" + exchange;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name));
        this.publisher = Executors.newSingleThreadExecutor(r -> daemon(r, name + "-publisher"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Applies what an owned connection needs to {@code f}: automatic connection and topology
     * recovery, the recovery interval, and an exception handler that records recovery errors as
     * this adapter's last error (instead of logging each failed attempt at ERROR).
     */
    private void configureOwned(ConnectionFactory f) {
        AmqpSyncAdapter a = this;
        f.setAutomaticRecoveryEnabled(true);
        f.setTopologyRecoveryEnabled(true);
        f.setNetworkRecoveryInterval(config.recoveryInterval().toMillis());
        f.setExceptionHandler(new ForgivingExceptionHandler() {
            @Override
            public void handleConnectionRecoveryException(Connection conn, Throwable e) {
                a.onRecoveryAttemptFailed(e);
            }

            @Override
            public void handleTopologyRecoveryException(Connection conn, Channel ch, TopologyRecoveryException e) {
                a.onTopologyRecoveryFailed(e);
            }

            @Override
            public void handleUnexpectedConnectionDriverException(Connection conn, Throwable e) {
                if (SyncFailures.isUnrecoverable(e)) a.submit(() -> a.unexpectedError("connection driver", e), 0);
                else LOG.debug("amqp sync: connection driver error (the connection is recovered)", e);
            }

            @Override
            protected void log(String message, Throwable e) {
                LOG.warn("amqp sync: {}", message, e);
            }
        });
    }

    // ---- start / first connection ---------------------------------------------------------------

    @Override
    protected void doStart() {
        scheduler.scheduleWithFixedDelay(guarded("ack flush", () -> {
            SyncConsumer c = consumer;
            if (c != null) c.flushAcks();
        }), ACK_FLUSH_MS, ACK_FLUSH_MS, TimeUnit.MILLISECONDS);
        long every = config.topologyCheck().toMillis();
        if (every > 0) {
            scheduler.scheduleWithFixedDelay(guarded("topology check", this::checkTopology), every, every, TimeUnit.MILLISECONDS);
        }
        if (given != null) {
            listen(given);
            connection = given;
            submit(this::setupGiven, 0);
        } else {
            submit(this::connectOwned, 0);
        }
    }

    private void submit(Runnable task, long delayMs) {
        Runnable g = guarded("scheduled task", task);
        try {
            if (delayMs <= 0) scheduler.execute(g);
            else scheduler.schedule(g, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /**
     * {@code task}, with what it throws handed to {@link #unexpectedError}: an executor keeps it in a
     * Future nobody reads (and a periodic task that throws is never run again), a client callback
     * passes it to a handler that only logs it.
     */
    private Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                unexpectedError(what, t);
            }
        };
    }

    /** Logs and records; fails (and lets go of the connection) if retrying cannot fix it. */
    void unexpectedError(String what, Throwable t) {
        if (unexpected(what, t)) release(t);
    }

    private void connectOwned() {
        if (isClosed()) return;
        attempts.incrementAndGet();
        Connection c = null;
        try {
            c = factory.newConnection(config.connectionName());
            connection = c;
            listen(c);
            setup(c);
            LOG.info("amqp sync: connected to {}, exchange '{}', queue '{}'", where, exchange, queue);
            connectAttempts = 0;
            markConnected();
        } catch (Throwable e) {
            // Throwable: a NoClassDefFoundError from the client must end here too, not in the executor's Future
            connection = null;
            if (c != null) {
                try {
                    c.abort(2000);
                } catch (RuntimeException ignored) {
                    // best effort
                }
            }
            IllegalStateException fatal = fatal(e);
            if (fatal != null) {
                failAndRelease(fatal);
                return;
            }
            recordError(e);
            disconnected(e);
            if (!(e instanceof Exception)) unexpected("connect", e); // an Error: log it, though it is retried
            connectAttempts++;
            long delay = Math.min(config.connectRetryMax().toMillis(),
                    config.connectRetryInitial().toMillis() << Math.min(connectAttempts - 1, 16));
            if (connectAttempts == 1) {
                LOG.warn("amqp sync: cannot connect to {} ({}); retrying until it is reachable, buffering up to {} messages",
                        where, describe(e), options.bufferSize());
            } else if (connectAttempts % 20 == 0) {
                LOG.info("amqp sync: still cannot connect to {} after {} attempts ({})", where, connectAttempts, describe(e));
            }
            submit(this::connectOwned, delay);
        }
    }

    private void setupGiven() {
        if (isClosed()) return;
        Connection c = given;
        if (!c.isOpen()) {
            if (c instanceof Recoverable) {
                disconnected(new IOException("the given connection is closed; waiting for its automatic recovery"));
                return; // handleRecovery runs the setup
            }
            failed(new IllegalStateException("amqp sync: the given connection is closed and has no automatic recovery"));
            return;
        }
        try {
            setup(c);
            LOG.info("amqp sync: set up on {}, exchange '{}', queue '{}'", where, exchange, queue);
            markConnected();
        } catch (Throwable e) {
            IllegalStateException fatal = fatal(e);
            if (fatal != null) {
                failAndRelease(fatal);
                return;
            }
            recordError(e);
            disconnected(e);
            submit(this::setupGiven, config.connectRetryInitial().toMillis());
        }
    }

    private void listen(Connection c) {
        c.addShutdownListener(cause -> guarded("connection shutdown listener", () -> onConnectionLost(c, cause)).run());
        c.addBlockedListener(reason -> guarded("blocked listener", () -> onBlocked(c, reason)).run(),
                () -> guarded("unblocked listener", () -> onUnblocked(c)).run());
        if (c instanceof Recoverable r) r.addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recoverable) {
                guarded("recovery listener", () -> onRecovered(c)).run();
            }

            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
                // nothing: the shutdown listener already switched to buffering
            }
        });
    }

    /** Declares the exchange and queue, binds, opens the consumer and the confirming publisher channel. */
    private void setup(Connection c) throws IOException {
        Channel sub = null;
        Channel pub = null;
        try {
            sub = c.createChannel();
            pub = c.createChannel();
            if (sub == null || pub == null) throw new IOException("the connection has no free channel (channel_max reached)");
            declare(sub, pub);
        } catch (Throwable e) {
            closeQuietly(sub);
            closeQuietly(pub);
            throw e;
        }
    }

    private void declare(Channel sub, Channel pub) throws IOException {
        // exactly as feathers-sync 3.x: durable=false (autoDelete=false, internal=false, no arguments)
        pub.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, false, false, false, null);
        Map<String, Object> args = new HashMap<>();
        args.put("x-expires", config.queueExpires().toMillis());
        if (config.queueMaxLength() > 0) args.put("x-max-length", config.queueMaxLength());
        sub.queueDeclare(queue, config.persistent(), false, false, args);
        sub.queueBind(queue, exchange, "");
        sub.basicQos(config.prefetch());
        if (config.publisherConfirms()) {
            pub.confirmSelect();
            pub.addConfirmListener(new Confirms());
        }
        ShutdownListener channelListener = cause -> guarded("channel shutdown listener", () -> onChannelLost(cause)).run();
        pub.addShutdownListener(channelListener);
        sub.addShutdownListener(channelListener);
        SyncConsumer consumer = new SyncConsumer(sub);
        sub.basicConsume(queue, false, consumer);
        this.consumer = consumer;
        Channel oldSub = subChannel;
        Channel oldPub = pubChannel;
        subChannel = sub;
        pubChannel = pub;
        topologyDeclared = true;
        closeQuietly(oldSub);
        closeQuietly(oldPub);
    }

    /** While connected: declare the exchange and bind the queue again (both idempotent). */
    private void checkTopology() {
        Channel sub = subChannel;
        Channel pub = pubChannel;
        if (isClosed() || recovering || sub == null || pub == null || !sub.isOpen() || !pub.isOpen()) return;
        try {
            pub.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, false, false, false, null);
            sub.queueBind(queue, exchange, "");
        } catch (Throwable e) {
            IllegalStateException fatal = fatal(e);
            if (fatal != null) {
                failAndRelease(fatal);
                return;
            }
            recordError(e);
            LOG.warn("amqp sync: topology check failed ({}); setting up again", describe(e));
            resetup(e);
        }
    }

    private void markConnected() {
        markConnected(true);
    }

    private void markConnected(boolean resendUnconfirmed) {
        synchronized (stateLock) {
            long gen = generation.get();
            publisher.execute(guarded("publisher resume", () -> {
                if (gen != generation.get()) return;
                recovering = false;
                if (resendUnconfirmed) moveOutstandingToWaiting();
                flushWaiting();
            }));
            connected();
        }
    }

    // ---- loss and recovery ----------------------------------------------------------------------

    private void onConnectionLost(Connection c, ShutdownSignalException cause) {
        if (isClosed() || connection != c || cause.isInitiatedByApplication()) return;
        goDown(cause);
        if (!(c instanceof Recoverable)) {
            LOG.error("amqp sync: the given connection was lost and has no automatic recovery; sync stays disconnected ({})",
                    cause.getMessage());
        }
    }

    private void goDown(Throwable cause) {
        synchronized (stateLock) {
            blocked = false;
            generation.incrementAndGet();
            recovering = true;
            try {
                publisher.execute(this::moveOutstandingToWaiting);
            } catch (RejectedExecutionException ignored) {
                // closed
            }
            disconnected(cause);
        }
    }

    /**
     * The broker stopped reading our publishes (memory or disk alarm): buffer (bounded) instead of
     * queueing without limit behind a publisher thread that cannot write. Deliveries continue.
     */
    private void onBlocked(Connection c, String reason) {
        if (isClosed() || connection != c) return;
        blockedCount.incrementAndGet();
        synchronized (stateLock) {
            blocked = true;
            generation.incrementAndGet();
            recovering = true;
            disconnected(new IOException("the broker blocks publishing (" + reason + ")"));
        }
        LOG.warn("amqp sync: the broker blocks publishing ({}); buffering up to {} messages", reason, options.bufferSize());
    }

    private void onUnblocked(Connection c) {
        if (isClosed() || connection != c) return;
        LOG.info("amqp sync: the broker accepts publishes again");
        synchronized (stateLock) {
            if (!blocked) return;
            blocked = false;
            if (c.isOpen()) markConnected(false); // the same channel: what is unconfirmed may still be confirmed
        }
    }

    private void onChannelLost(ShutdownSignalException cause) {
        // a channel-level error on a live connection (e.g. someone deleted the exchange or queue)
        if (isClosed() || cause.isHardError() || cause.isInitiatedByApplication()) return;
        LOG.warn("amqp sync: channel closed by the broker ({}); setting up again", cause.getMessage());
        resetup(cause);
    }

    private void resetup(Throwable cause) {
        goDown(cause);
        long gen = generation.get();
        submit(() -> resetupNow(gen), 0);
    }

    private void resetupNow(long gen) {
        Connection c = connection;
        if (isClosed() || c == null || gen != generation.get()) return;
        if (!c.isOpen()) return; // connection recovery will take over
        try {
            setup(c);
            settleThenResume(gen);
        } catch (Throwable e) {
            IllegalStateException fatal = fatal(e);
            if (fatal != null) {
                failAndRelease(fatal);
                return;
            }
            recordError(e);
            submit(() -> resetupNow(gen), config.connectRetryInitial().toMillis());
        }
    }

    private void onRecovered(Connection c) {
        if (isClosed() || connection != c) return;
        recoveries.incrementAndGet();
        long gen = generation.get();
        if (!topologyDeclared || topologyBroken) {
            topologyBroken = false;
            submit(given != null && !topologyDeclared ? this::setupGiven : () -> resetupNow(gen), 0);
            return;
        }
        submit(() -> {
            // the client re-declared what it recorded; declare the exchange again (on the channel
            // that recorded it) to learn of an incompatible one, e.g. re-created durable by
            // someone else while the broker was down
            Channel ch = pubChannel;
            try {
                if (ch != null) ch.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, false, false, false, null);
            } catch (Throwable e) {
                IllegalStateException fatal = fatal(e);
                if (fatal != null) {
                    failAndRelease(fatal);
                    return;
                }
                recordError(e);
                resetupNow(gen);
                return;
            }
            LOG.info("amqp sync: connection to {} recovered; publishing again in {} ms", where, config.recoverySettle().toMillis());
            settleThenResume(gen);
        }, 0);
    }

    private void settleThenResume(long gen) {
        submit(() -> {
            synchronized (stateLock) {
                Connection c = connection;
                if (isClosed() || gen != generation.get() || c == null || !c.isOpen()) return;
                markConnected();
            }
        }, config.recoverySettle().toMillis());
    }

    void onRecoveryAttemptFailed(Throwable e) {
        if (SyncFailures.isUnrecoverable(e)) {
            submit(() -> unexpectedError("reconnect", e), 0);
            return;
        }
        long n = recoveryFailures.incrementAndGet();
        recordError(e);
        if (n == 1 || n % 30 == 0) {
            LOG.warn("amqp sync: reconnecting to {} failed ({}); {} attempt(s) failed so far, retrying every {} ms",
                    where, describe(e), n, config.recoveryInterval().toMillis());
        }
    }

    void onTopologyRecoveryFailed(TopologyRecoveryException e) {
        recordError(e);
        topologyBroken = true; // handleRecovery, called next, sets it up again
        LOG.warn("amqp sync: recovering the topology failed ({}); setting it up again", describe(e));
    }

    // ---- publishing -----------------------------------------------------------------------------

    @Override
    protected CompletableFuture<Void> send(byte[] message) {
        Entry e = new Entry(order.incrementAndGet(), message, new CompletableFuture<>());
        try {
            publisher.execute(guarded("publish", () -> publish(e)));
        } catch (RejectedExecutionException ex) {
            return CompletableFuture.failedFuture(new IllegalStateException("amqp sync adapter closed"));
        }
        return e.done();
    }

    /** Publisher thread only. */
    private void publish(Entry e) {
        Channel ch = pubChannel;
        if (recovering || ch == null || !ch.isOpen()) {
            waiting.put(e.order(), e);
            return;
        }
        long seq = -1;
        try {
            if (config.publisherConfirms()) {
                seq = ch.getNextPublishSeqNo();
                outstanding.put(seq, e);
            }
            ch.basicPublish(exchange, queue, props, e.bytes());
            if (!config.publisherConfirms()) e.done().complete(null);
        } catch (Throwable ex) {
            if (seq >= 0) outstanding.remove(seq);
            if (SyncFailures.isUnrecoverable(ex)) {
                e.done().completeExceptionally(ex);
                unexpectedError("publish", ex);
                return;
            }
            waiting.put(e.order(), e);
            recordError(ex);
            if (!(ex instanceof Exception)) unexpected("publish", ex); // an Error: log it, though it is retried
        }
    }

    /** Publisher thread only. */
    private void moveOutstandingToWaiting() {
        for (Entry e : outstanding.values()) waiting.put(e.order(), e);
        outstanding.clear();
    }

    /** Publisher thread only. */
    private void flushWaiting() {
        if (waiting.isEmpty()) return;
        List<Entry> all = new ArrayList<>(waiting.values());
        waiting.clear();
        int n = 0;
        for (Entry e : all) {
            if (e.done().isDone()) continue; // confirmed after all
            n++;
            publish(e);
        }
        resent.addAndGet(n);
        if (n > 0) LOG.info("amqp sync: sent {} message(s) held back while reconnecting (unconfirmed or in flight)", n);
    }

    private final class Confirms implements ConfirmListener {
        @Override
        public void handleAck(long seq, boolean multiple) {
            for (Entry e : take(seq, multiple)) e.done().complete(null);
        }

        @Override
        public void handleNack(long seq, boolean multiple) {
            List<Entry> again = take(seq, multiple);
            nacked.addAndGet(again.size());
            LOG.warn("amqp sync: the broker nacked {} message(s); sending them again", again.size());
            try {
                publisher.execute(guarded("resend after nack", () -> {
                    for (Entry e : again) {
                        resent.incrementAndGet();
                        publish(e);
                    }
                }));
            } catch (RejectedExecutionException ex) {
                for (Entry e : again) e.done().completeExceptionally(new IllegalStateException("amqp sync adapter closed"));
            }
        }

        private List<Entry> take(long seq, boolean multiple) {
            List<Entry> out = new ArrayList<>();
            if (multiple) {
                ConcurrentNavigableMap<Long, Entry> head = outstanding.headMap(seq, true);
                out.addAll(head.values());
                head.clear();
            } else {
                Entry e = outstanding.remove(seq);
                if (e != null) out.add(e);
            }
            return out;
        }
    }

    // ---- consuming ------------------------------------------------------------------------------

    /**
     * Consumes with manual acks, acknowledged in batches after the events were emitted: every
     * quarter of the prefetch window, and by the scheduler every {@value #ACK_FLUSH_MS} ms for
     * the rest. Acks are cumulative ({@code multiple}) and only ever move forward.
     */
    private final class SyncConsumer extends DefaultConsumer {
        private final int batch = Math.max(1, config.prefetch() / 4);
        private long latest; // highest delivery tag handled; guarded by this
        private long acked;  // highest delivery tag acknowledged; guarded by this

        SyncConsumer(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            received.incrementAndGet();
            if (envelope.isRedeliver()) redelivered.incrementAndGet();
            deliver(body);
            long tag = envelope.getDeliveryTag();
            synchronized (this) {
                latest = Math.max(latest, tag);
                if (latest - acked >= batch) ackUpTo(latest);
            }
        }

        synchronized void flushAcks() {
            if (latest > acked) ackUpTo(latest);
        }

        private void ackUpTo(long tag) {
            acked = tag;
            try {
                getChannel().basicAck(tag, true);
            } catch (IOException | RuntimeException e) {
                // the channel is gone: the broker redelivers them, and sync drops the duplicates
            } catch (Throwable e) {
                submit(() -> unexpectedError("ack", e), 0); // not under this consumer's lock
            }
        }

        @Override
        public void handleCancel(String consumerTag) {
            if (isClosed()) return;
            LOG.warn("amqp sync: the broker cancelled the consumer of queue '{}' (deleted?); setting up again", queue);
            resetup(new IOException("consumer of queue '" + queue + "' cancelled by the broker"));
        }
    }

    // ---- errors ---------------------------------------------------------------------------------

    /** An exception retrying cannot fix, described clearly; {@code null} for a retryable one. */
    private IllegalStateException fatal(Throwable e) {
        if (SyncFailures.isUnrecoverable(e)) {
            return new IllegalStateException("amqp sync: cannot use the broker at " + where + ": " + SyncFailures.describe(e)
                    + " (not retried: a class is missing or incompatible on the class path)", e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationFailureException) {
                return new IllegalStateException("amqp sync: the broker at " + where
                        + " refused the credentials (ACCESS_REFUSED); check the user name and password", t);
            }
            if (t instanceof ShutdownSignalException s) {
                com.rabbitmq.client.Method m = s.getReason();
                if (m instanceof AMQP.Connection.Close cc) {
                    int code = cc.getReplyCode();
                    if (code == AMQP.NOT_ALLOWED || code == AMQP.ACCESS_REFUSED) {
                        return new IllegalStateException("amqp sync: the broker at " + where
                                + " refused the connection: " + cc.getReplyText()
                                + (code == AMQP.NOT_ALLOWED ? " (does the virtual host exist, and may this user use it?)" : ""), t);
                    }
                }
                if (m instanceof AMQP.Channel.Close ch) {
                    int code = ch.getReplyCode();
                    if (code == AMQP.PRECONDITION_FAILED) {
                        return new IllegalStateException("amqp sync: exchange '" + exchange + "' or queue '" + queue
                                + "' already exists with other settings: " + ch.getReplyText()
                                + ". feathers-sync declares the exchange as a non-durable fanout; delete it or use another key", t);
                    }
                    if (code == AMQP.ACCESS_REFUSED || code == AMQP.RESOURCE_LOCKED) {
                        return new IllegalStateException("amqp sync: the broker refused to declare or consume exchange '"
                                + exchange + "' / queue '" + queue + "': " + ch.getReplyText(), t);
                    }
                }
            }
        }
        return null;
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof IOException && t.getCause() instanceof ShutdownSignalException)) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    // ---- counters and close ---------------------------------------------------------------------

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = super.counters();
        c.put("amqpReceived", received.get());
        c.put("redelivered", redelivered.get());
        c.put("unconfirmed", (long) outstanding.size());
        c.put("resent", resent.get());
        c.put("nacked", nacked.get());
        c.put("connectAttempts", attempts.get());
        c.put("recoveries", recoveries.get());
        c.put("recoveryFailures", recoveryFailures.get());
        c.put("blocked", blockedCount.get());
        return c;
    }

    /** The queue this instance consumes. */
    public String queue() {
        return queue;
    }

    @Override
    protected CompletableFuture<Void> doClose() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                scheduler.shutdownNow();
                Channel sub = subChannel;
                Channel pub = pubChannel;
                if (sub != null && sub.isOpen()) {
                    try {
                        sub.queueDelete(queue); // this instance leaves: nobody will read its queue again
                    } catch (IOException | RuntimeException e) {
                        LOG.debug("amqp sync: could not delete queue '{}' on close: {}", queue, e.toString());
                    }
                }
                closeQuietly(sub);
                closeQuietly(pub);
                Connection c = connection;
                if (given == null && c != null) {
                    try {
                        c.close(2000);
                    } catch (IOException | RuntimeException e) {
                        c.abort(1000);
                    }
                }
                publisher.shutdown();
                publisher.awaitTermination(2, TimeUnit.SECONDS);
                IllegalStateException closed = new IllegalStateException("amqp sync adapter closed");
                for (Entry e : outstanding.values()) e.done().completeExceptionally(closed);
                for (Entry e : waiting.values()) e.done().completeExceptionally(closed);
                done.complete(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done.complete(null);
            } catch (Throwable e) {
                LOG.error("amqp sync: closing failed: {}", SyncFailures.describe(e), e);
                done.completeExceptionally(e);
            }
        }, "feathers4j-amqp-sync-close");
        t.setDaemon(true);
        t.start();
        return done;
    }

    /** An error retrying cannot fix: fail (ready, buffer), and let go of channels and an owned connection. */
    private void failAndRelease(IllegalStateException fatal) {
        failed(fatal);
        release(fatal);
    }

    /** After failing: lets go of channels and an owned connection, stops the threads, fails what waits. */
    private void release(Throwable fatal) {
        Connection c = connection;
        connection = null; // the shutdown listener ignores what follows
        closeQuietly(subChannel);
        closeQuietly(pubChannel);
        if (given == null && c != null) {
            try {
                c.abort(2000);
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
        scheduler.shutdown();
        try {
            publisher.execute(() -> {
                // what was handed to the publisher and not confirmed will not be sent now
                moveOutstandingToWaiting();
                for (Entry e : waiting.values()) e.done().completeExceptionally(fatal);
                waiting.clear();
            });
        } catch (RejectedExecutionException ignored) {
            // already shut down
        }
        publisher.shutdown();
    }

    private static void closeQuietly(Channel ch) {
        if (ch == null || !ch.isOpen()) return;
        try {
            ch.close();
        } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException ignored) {
            // best effort
        }
    }
}
