package org.feathers4j.sync.amqp.internal;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.amqp.AmqpSyncConfig;
import org.feathers4j.sync.spi.AbstractSyncAdapter;
import org.feathers4j.sync.spi.support.DaemonThreads;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AMQP 0-9-1 adapter's life cycle: start, set-up of the {@link Topology}, publishing through
 * the {@link Publisher}, losing and regaining the connection (told by the {@link Connector}),
 * failing and closing. {@link #retryOrFail} is the one place that decides whether a failure ends
 * the adapter or is retried.
 *
 * <p>Threads: a scheduler thread (connect attempts, settle timers, set-ups, ack flushes, topology
 * checks) and the publisher's thread (every basicPublish), so that the application never blocks on
 * the broker.
 */
public final class AmqpSyncAdapter extends AbstractSyncAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpSyncAdapter.class);
    static final long ACK_FLUSH_MS = 20;

    private final AmqpSyncConfig config;
    private final AmqpFailures failures;
    private final Topology topology;
    private final Publisher publisher;
    private final Connector connector;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.factory(AmqpFailures.TYPE, "scheduler"));
    private final Object stateLock = new Object();
    private final AtomicLong generation = new AtomicLong(); // every loss starts a new one; stale resumes are dropped
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private volatile Topology.Channels channels;
    private volatile boolean startChecked; // the resume setting was applied to the queue (first set-up only)
    private volatile SyncGap startGap;     // found then, delivered before the first message

    /**
     * An adapter that opens (and owns) its connections from {@code factory}, which must be its own
     * copy: automatic connection and topology recovery are turned on there.
     *
     * @param where the broker, for messages, without secrets
     */
    public AmqpSyncAdapter(SyncOptions options, AmqpSyncConfig config, ConnectionFactory factory, String where) {
        this(options, config, factory, null, where);
    }

    /** An adapter on a connection the application owns (never closed by this adapter). */
    public AmqpSyncAdapter(SyncOptions options, AmqpSyncConfig config, Connection given) {
        this(options, config, null, given, "a given connection");
    }

    private AmqpSyncAdapter(SyncOptions options, AmqpSyncConfig config, ConnectionFactory factory, Connection given,
                            String where) {
        super(AmqpFailures.TYPE, options);
        this.config = config;
        String exchange = options.key();
        String queue = config.queue() != null ? config.queue() : exchange + ".feathers4j." + options.instanceId();
        this.topology = new Topology(config, exchange, queue);
        this.failures = new AmqpFailures(where, topology);
        this.publisher = new Publisher(this, exchange, queue, config.publisherConfirms(), config.persistent());
        this.connector = new Connector(this, config, factory, given, where);
    }

    @Override
    protected void doStart() {
        scheduler.scheduleWithFixedDelay(guarded("ack flush", () -> {
            Topology.Channels ch = channels;
            if (ch != null) ch.consumer().flushAcks();
        }), ACK_FLUSH_MS, ACK_FLUSH_MS, TimeUnit.MILLISECONDS);
        long every = config.topologyCheck().toMillis();
        if (every > 0) {
            scheduler.scheduleWithFixedDelay(guarded("topology check", this::checkTopology), every, every, TimeUnit.MILLISECONDS);
        }
        connector.start();
    }

    // ---- the one decision -----------------------------------------------------------------------

    /**
     * Decides what a failure while doing {@code what} means: if retrying cannot fix it
     * ({@link AmqpFailures#classify}), the adapter fails (ready, buffer) and lets go of its
     * channels and an owned connection; otherwise the failure is recorded as the last error (an
     * {@link Error} is also logged as unexpected) and the caller retries.
     *
     * @return the failure to report while retrying, or {@code null} if the adapter failed: stop
     */
    SyncException retryOrFail(String what, Throwable e) {
        SyncException x = failures.classify(what, e);
        if (!x.isRetryable()) {
            failed(x);
            release(x);
            return null;
        }
        recordError(x);
        if (!(e instanceof Exception)) unexpected(what, x); // an Error: log it, though it is retried
        return x;
    }

    /** A throwable that escaped a task or callback: logged and recorded; fails the adapter if unrecoverable. */
    void unexpectedError(String what, Throwable t) {
        SyncException x = failures.classify(what, t);
        if (unexpected(what, x)) release(x);
    }

    SyncException classify(String what, Throwable e) {
        return failures.classify(what, e);
    }

    /** Fails with {@code x} and lets go of what it holds (see {@link #retryOrFail}). */
    void fail(SyncException x) {
        failed(x);
        release(x);
    }

    /** Records {@code x} as the last error; the state stays. */
    void error(SyncException x) {
        recordError(x);
    }

    /** Reports disconnected with {@code x}; publishes are buffered meanwhile. */
    void lost(SyncException x) {
        disconnected(x);
    }

    int bufferSize() {
        return options.bufferSize();
    }

    boolean isSetUp() {
        return channels != null;
    }

    /** A basicPublish failed (the message waits for the next connection). */
    void publishFailed(Throwable e) {
        SyncException x = failures.classify("publish", e);
        recordError(x);
        if (!(e instanceof Exception)) unexpected("publish", x);
    }

    // ---- set-up and connected -------------------------------------------------------------------

    /** Declares the topology on {@code c} and switches to its channels. */
    void setup(Connection c) throws IOException {
        if (!startChecked) {
            startGap = startPoint(c);
            startChecked = true;
        }
        ShutdownListener onChannelLost = cause -> guarded("channel shutdown listener", () -> onChannelLost(cause)).run();
        Topology.Channels next = topology.setup(c, publisher,
                sub -> new Consumer(sub, this, config.prefetch(), received, redelivered), onChannelLost, () -> {
                    SyncGap gap = startGap;
                    startGap = null;
                    if (gap != null) deliverGap(gap);
                });
        Topology.Channels old = channels;
        channels = next;
        publisher.use(next.pub());
        if (old != null) {
            Topology.closeQuietly(old.sub());
            Topology.closeQuietly(old.pub());
        }
    }

    /**
     * Where this instance starts, on its first set-up (later set-ups always go on with the queue as
     * it is: that is how nothing is lost across a reconnect). {@code resume=LAST}: the queue a
     * previous run of this instanceId left is consumed as it is; if it is gone (it expired) or
     * full (the oldest were dropped), that is a gap. {@code resume=NEW} with a queue name that
     * outlives a run (a fixed instanceId or {@code queue}): a queue left by a previous run is
     * deleted first, so that nothing old is delivered.
     *
     * @return the gap to deliver before the first message, or {@code null}
     */
    private SyncGap startPoint(Connection c) throws IOException {
        String q = topology.queue();
        if (options.resume() == SyncOptions.Resume.LAST) {
            Topology.Found found = topology.probe(c);
            if (!found.exists()) {
                String why = "queue '" + q + "' was not there: it expired (this instance was away longer than queueExpires, "
                        + org.feathers4j.sync.spi.support.OptionReader.format(config.queueExpires()) + ") or never existed; what was published meanwhile is lost "
                        + "for this instance";
                LOG.warn("amqp sync: resume=LAST, but {}", why);
                return SyncGap.of(SyncGap.Reason.RETENTION_EXCEEDED, SyncGap.UNKNOWN, why);
            }
            if (config.queueMaxLength() > 0 && found.messages() >= config.queueMaxLength()) {
                String why = "queue '" + q + "' is full (" + found.messages() + " messages, queueMaxLength "
                        + config.queueMaxLength() + "): the oldest of what was published meanwhile were dropped";
                LOG.warn("amqp sync: resume=LAST, but {}", why);
                return SyncGap.of(SyncGap.Reason.RETENTION_EXCEEDED, SyncGap.UNKNOWN, why);
            }
            LOG.info("amqp sync: resume=LAST: consuming queue '{}' where the previous run left it ({} message(s) waiting)",
                    q, found.messages());
            return null;
        }
        if (options.instanceIdFixed() || config.queue() != null) {
            long dropped = topology.drop(c);
            if (dropped > 0) LOG.info("amqp sync: resume=NEW: deleted queue '{}' left by a previous run ({} message(s))", q, dropped);
        }
        return null;
    }

    /** Reports connected, and publishes again once the publisher thread gets there (unless a loss came first). */
    void markConnected(boolean resendUnconfirmed) {
        synchronized (stateLock) {
            long gen = generation.get();
            publisher.resume(() -> gen == generation.get(), resendUnconfirmed);
            connected();
        }
    }

    /** While connected: declare the exchange and bind the queue again (an operator may have deleted them). */
    private void checkTopology() {
        Topology.Channels ch = channels;
        if (isClosed() || publisher.paused() || ch == null || !ch.sub().isOpen() || !ch.pub().isOpen()) return;
        try {
            topology.check(ch);
        } catch (Throwable e) {
            SyncException x = retryOrFail("topology check", e);
            if (x == null) return;
            LOG.warn("amqp sync: topology check failed ({}); setting up again", SyncFailures.describe(e));
            resetup(x);
        }
    }

    // ---- loss and set-up again ------------------------------------------------------------------

    /** Stops publishing (what was not confirmed waits to be sent again) and reports disconnected. */
    void goDown(Throwable cause) {
        synchronized (stateLock) {
            generation.incrementAndGet();
            publisher.pause(true);
            disconnected(failures.classify("connection", cause));
        }
    }

    /** The broker blocks publishing: hold messages back (not the unconfirmed ones: they may still be confirmed). */
    void blocked(String reason) {
        synchronized (stateLock) {
            generation.incrementAndGet();
            publisher.pause(false);
            disconnected(new SyncException(AmqpFailures.TYPE, SyncException.Reason.UNREACHABLE,
                    "the broker blocks publishing (" + reason + ")"));
        }
    }

    private void onChannelLost(ShutdownSignalException cause) {
        // a channel-level error on a live connection (e.g. someone deleted the exchange or queue)
        if (isClosed() || cause.isHardError() || cause.isInitiatedByApplication()) return;
        LOG.warn("amqp sync: channel closed by the broker ({}); setting up again", cause.getMessage());
        resetup(cause);
    }

    /**
     * Consumer thread: the broker cancelled the consumer, i.e. the queue was deleted under it
     * (with what it held): a gap here, in order with the deliveries, then set up again.
     */
    void cancelledByBroker() {
        if (isClosed()) return;
        deliverGap(SyncGap.of(SyncGap.Reason.CONSUMER_RESET, SyncGap.UNKNOWN, "queue '" + topology.queue()
                + "' was deleted under its consumer (by an operator or a policy): the messages it held, and those "
                + "published until it is declared again, are lost for this instance"));
        consumerCancelled();
    }

    /** The broker cancelled the consumer (its queue was deleted): set up again. */
    void consumerCancelled() {
        if (isClosed()) return;
        LOG.warn("amqp sync: the broker cancelled the consumer of queue '{}' (deleted?); setting up again", topology.queue());
        resetup(new SyncException(AmqpFailures.TYPE, SyncException.Reason.PROTOCOL,
                "consumer of queue '" + topology.queue() + "' cancelled by the broker"));
    }

    void resetup(Throwable cause) {
        goDown(cause);
        long gen = generation.get();
        submit(() -> resetupNow(gen), 0);
    }

    /** Sets up again on the open connection, unless a newer loss came meanwhile; retried until it works or fails. */
    void resetupNow(long gen) {
        Connection c = connector.connection();
        if (isClosed() || c == null || gen != generation.get()) return;
        if (!c.isOpen()) return; // connection recovery will take over
        try {
            setup(c);
            settleThenResume(gen);
        } catch (Throwable e) {
            if (retryOrFail("set-up", e) != null) submit(() -> resetupNow(gen), config.connectRetryInitial().toMillis());
        }
    }

    /** After a recovery: wait {@code recoverySettle} (other instances re-bind), then publish again. */
    void settleThenResume(long gen) {
        submit(() -> {
            synchronized (stateLock) {
                Connection c = connector.connection();
                if (isClosed() || gen != generation.get() || c == null || !c.isOpen()) return;
                markConnected(true);
            }
        }, config.recoverySettle().toMillis());
    }

    long generation() {
        return generation.get();
    }

    Topology topology() {
        return topology;
    }

    Channel publishingChannel() {
        Topology.Channels ch = channels;
        return ch == null ? null : ch.pub();
    }

    boolean closed() {
        return isClosed();
    }

    /** A delivery from the queue. */
    void received(byte[] body) {
        deliver(body);
    }

    // ---- tasks ----------------------------------------------------------------------------------

    void submit(Runnable task, long delayMs) {
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
    Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                unexpectedError(what, t);
            }
        };
    }

    // ---- publish, counters, close ---------------------------------------------------------------

    @Override
    protected CompletableFuture<Void> send(byte[] message) {
        return publisher.send(message);
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = super.counters();
        c.put("amqpReceived", received.get());
        c.put("redelivered", redelivered.get());
        c.put("unconfirmed", publisher.unconfirmed());
        c.put("resent", publisher.resent());
        c.put("nacked", publisher.nacked());
        connector.counters(c);
        return c;
    }

    /** The queue this instance consumes. */
    public String queue() {
        return topology.queue();
    }

    @Override
    protected CompletableFuture<Void> doClose() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        DaemonThreads.factory(AmqpFailures.TYPE, "close").newThread(() -> {
            try {
                scheduler.shutdownNow();
                Topology.Channels ch = channels;
                if (ch != null && ch.sub().isOpen()) {
                    if (options.resume() == SyncOptions.Resume.LAST) {
                        // keep the queue for the next run; acknowledge what was delivered so it is not delivered again
                        try {
                            String tag = ch.consumer().getConsumerTag();
                            if (tag != null) {
                                ch.sub().basicCancel(tag);
                                // deliveries queued before the cancel are still being emitted: ack them too
                                if (!ch.consumer().awaitCancelled(5_000)) {
                                    LOG.warn("amqp sync: the consumer's cancellation was not confirmed within 5 s on close;"
                                            + " events delivered after it may be delivered again to the next run");
                                }
                            }
                        } catch (IOException | RuntimeException e) {
                            LOG.debug("amqp sync: could not cancel the consumer on close: {}", e.toString());
                        }
                        ch.consumer().flushAcks();
                    } else {
                        try {
                            topology.deleteQueue(ch.sub());
                        } catch (IOException | RuntimeException e) {
                            LOG.debug("amqp sync: could not delete queue '{}' on close: {}", topology.queue(), e.toString());
                        }
                    }
                }
                if (ch != null) {
                    Topology.closeQuietly(ch.sub());
                    Topology.closeQuietly(ch.pub());
                }
                connector.close();
                publisher.close();
                done.complete(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done.complete(null);
            } catch (Throwable e) {
                LOG.error("amqp sync: closing failed: {}", SyncFailures.describe(e), e);
                done.completeExceptionally(e);
            }
        }).start();
        return done;
    }

    /** After failing: lets go of channels and an owned connection, stops the threads, fails what waits. */
    private void release(SyncException fatal) {
        Topology.Channels ch = channels;
        connector.release();
        if (ch != null) {
            Topology.closeQuietly(ch.sub());
            Topology.closeQuietly(ch.pub());
        }
        scheduler.shutdown();
        publisher.failAll(fatal);
    }
}
