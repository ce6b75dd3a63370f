package org.feathers4j.sync.kafka.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.kafka.KafkaSyncConfig;
import org.feathers4j.sync.spi.AbstractSyncAdapter;
import org.feathers4j.sync.spi.support.DaemonThreads;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka adapter: one topic per key ({@link TopicSetup}), one idempotent producer and one
 * reader of every partition ({@link TopicReader}), made once and kept for the adapter's life
 * (the clients reconnect by themselves and go on where they were).
 *
 * <p>Publishing: each message is a record whose key is this instance's id, so all of an
 * instance's messages land in one partition, in publish order (the producer is idempotent,
 * {@code acks=all}, at most 5 requests in flight: retries neither duplicate nor reorder).
 *
 * <p>State: connected once the topic exists, the producer knows its partitions and the reader
 * knows where to start; disconnected while the oldest unacknowledged publish is older than
 * {@code ackTimeout} or the reader has no connection to a broker. While disconnected, publishes
 * wait in the adapter's buffer ({@code bufferSize}, oldest dropped beyond it), behind those
 * the producer already holds and retries (for up to {@code deliveryTimeout}).
 *
 * <p>Threads: start, retries and the health check on one daemon worker thread; reading and
 * delivering on the reader thread; handing records to the producer on the publisher thread
 * ({@link RecordSender}); the producer's callbacks on its I/O thread.
 */
public final class KafkaSyncAdapter extends AbstractSyncAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSyncAdapter.class);
    private static final long HEALTH_EVERY_MS = 250;

    private final KafkaSyncConfig config;
    private final String where;
    private final ClientProperties clients;
    private final TopicSetup setup;
    private final TopicReader reader;
    private final ScheduledThreadPoolExecutor worker;
    private final RecordSender sender;
    private final AtomicLong connectAttempts = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private final AtomicLong readerErrors = new AtomicLong();
    private final AtomicLong syncGaps = new AtomicLong();
    private volatile KafkaProducer<byte[], byte[]> producer;
    private volatile int partitions;
    private boolean reportedConnected; // guarded by this

    /**
     * An adapter that makes, owns and closes its clients for the options' URI and the config's servers.
     *
     * @throws IllegalArgumentException if the URI is malformed or names no server
     */
    public KafkaSyncAdapter(SyncOptions options, KafkaSyncConfig config) {
        super(KafkaFailures.TYPE, options);
        this.config = Objects.requireNonNull(config, "config");
        List<String> servers = new ArrayList<>(KafkaUri.servers(options.uri()));
        for (String s : config.servers()) if (!servers.contains(s)) servers.add(s);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("kafka sync: no server; give a URI kafka://host:9092 or the option servers");
        }
        this.where = String.join(",", servers);
        this.clients = new ClientProperties(servers, config, options.instanceId());
        this.setup = new TopicSetup(config, options.key());
        // every message of this instance in one partition, in publish order
        this.sender = new RecordSender(() -> producer, setup.name(), options.instanceId().getBytes(StandardCharsets.UTF_8),
                this::sendFailed);
        String group = options.instanceIdFixed() ? config.groupPrefix() + options.instanceId() : null;
        this.reader = new TopicReader(this, clients.consumer(group), setup.name(),
                options.resume() == SyncOptions.Resume.LAST, group != null, config);
        this.worker = new ScheduledThreadPoolExecutor(1, DaemonThreads.factory(KafkaFailures.TYPE, "worker"));
        worker.setRemoveOnCancelPolicy(true);
    }

    /** The topic's name (for tests and diagnostics). */
    public String topic() {
        return setup.name();
    }

    // ---- start ---------------------------------------------------------------------------

    @Override
    protected void doStart() {
        sender.start();
        schedule(this::connectAttempt, 0);
    }

    private boolean schedule(Runnable task, long delayMs) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (Throwable t) {
                unexpectedError("worker", t);
            }
        };
        try {
            if (delayMs <= 0) worker.execute(guarded);
            else worker.schedule(guarded, delayMs, TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return false; // closed
        }
    }

    private void unexpectedError(String what, Throwable t) {
        Reason reason = SyncFailures.isUnrecoverable(t) ? Reason.INCOMPATIBLE_CLASSPATH : Reason.INTERNAL;
        if (unexpected(what, KafkaFailures.of(reason, "kafka sync: " + what + " failed: " + SyncFailures.describe(t), t))) shutDown();
    }

    private void connectAttempt() {
        if (isClosed()) return;
        long n = connectAttempts.incrementAndGet();
        try {
            try (Admin admin = Admin.create(clients.admin())) {
                partitions = setup.ensure(admin);
            }
            KafkaProducer<byte[], byte[]> p = producer;
            if (p == null) {
                p = new KafkaProducer<>(clients.producer());
                producer = p;
            }
            p.partitionsFor(setup.name()); // the producer's metadata, so that send() does not wait for it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Throwable e) {
            connectFailed(n, e);
            return;
        }
        if (isClosed()) return;
        if (n > 1) LOG.info("kafka sync: reached {} after {} attempts; topic {}", where, n, setup.name());
        reader.start();
        worker.scheduleWithFixedDelay(this::healthCheck, HEALTH_EVERY_MS, HEALTH_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    private void connectFailed(long n, Throwable e) {
        Reason reason = e instanceof SyncException se ? se.reason() : KafkaFailures.reason(e);
        String detail = KafkaFailures.detail(e);
        if (e instanceof SyncException se && !se.isRetryable()) {
            failed(se);
            shutDown();
            return;
        }
        switch (reason) {
            case AUTHENTICATION -> fail(KafkaFailures.of(reason, "Kafka " + where + " refused the credentials (" + detail
                    + "); check user/password, saslMechanism or the SASL client properties. Not retrying.", e));
            case TLS -> fail(KafkaFailures.of(reason, "the TLS handshake with Kafka " + where + " failed (" + detail
                    + "); check the trust store client properties. Not retrying.", e));
            case AUTHORIZATION -> fail(KafkaFailures.of(reason, "Kafka " + where + " denies this client a permission on topic "
                    + setup.name() + " (" + detail + "); it needs DESCRIBE, READ and WRITE on the topic (and CREATE on the "
                    + "cluster or topic to create it, READ on its group to store offsets). Not retrying.", e));
            case CONFIGURATION, INCOMPATIBLE_CLASSPATH -> fail(KafkaFailures.of(reason, "kafka sync cannot start on " + where
                    + ": " + detail + ". Not retrying.", e));
            default -> {
                disconnected(KafkaFailures.of(Reason.UNREACHABLE, "Kafka " + where + " unreachable (attempt " + n + "): " + detail, e));
                if (n == 1 || n % 30 == 0) {
                    LOG.warn("kafka sync: cannot reach {} yet ({}); retrying every {} ms, publishes are buffered (attempt {})",
                            where, detail, config.reconnectWait().toMillis(), n);
                }
                schedule(this::connectAttempt, config.reconnectWait().toMillis());
            }
        }
    }

    private void fail(SyncException e) {
        failed(e);
        shutDown();
    }

    // ---- state ---------------------------------------------------------------------------

    private void healthCheck() {
        if (isClosed()) return;
        long oldest = sender.oldestUnackedNanos();
        boolean producerOk = oldest <= config.ackTimeout().toNanos();
        boolean readerOk = reader.opened() && reader.linked();
        String cause = !reader.opened() ? null
                : !producerOk ? "no acknowledgement from Kafka " + where + " for " + TimeUnit.NANOSECONDS.toMillis(oldest) + " ms"
                : !readerOk ? "the reader has no connection to Kafka " + where : null;
        report(producerOk && readerOk, cause);
    }

    private void report(boolean ok, String cause) {
        synchronized (this) {
            if (ok == reportedConnected) return;
            reportedConnected = ok;
        }
        if (ok) connected();
        else if (cause != null) disconnected(KafkaFailures.of(Reason.UNREACHABLE, "kafka sync: " + cause, null));
    }

    // ---- for the reader ------------------------------------------------------------------

    void readerOpened() {
        schedule(this::healthCheck, 0);
    }

    void readerDeliver(byte[] message) {
        deliver(message);
    }

    void readerGap(SyncGap gap) {
        syncGaps.incrementAndGet();
        deliverGap(gap);
    }

    /** A reader failure: recorded, and {@code true} when the reader should go on (else the adapter failed). */
    boolean readerError(Throwable e) {
        Reason reason = KafkaFailures.reason(e);
        if (!reason.isRetryable()) {
            readerFailed(e);
            return false;
        }
        long n = readerErrors.incrementAndGet();
        recordError(KafkaFailures.of(reason, "kafka sync: reading topic " + setup.name() + " failed: " + KafkaFailures.detail(e), e));
        if (!isClosed() && (n <= 3 || n % 50 == 0)) {
            LOG.warn("kafka sync: reading topic {} failed ({} so far), trying again: {}", setup.name(), n, KafkaFailures.detail(e));
        }
        return !isClosed();
    }

    void readerFailed(Throwable e) {
        Reason reason = KafkaFailures.reason(e);
        String why = switch (reason) {
            case AUTHENTICATION -> "Kafka " + where + " refused the credentials";
            case AUTHORIZATION -> "Kafka " + where + " denies reading topic " + setup.name() + " or committing offsets (ACL)";
            case TLS -> "the TLS handshake with Kafka " + where + " failed";
            default -> "reading topic " + setup.name() + " failed";
        };
        failed(KafkaFailures.of(reason == Reason.INTERNAL ? Reason.INTERNAL : reason, "kafka sync: " + why + ": "
                + KafkaFailures.detail(e) + ". Not retrying.", e));
        schedule(this::shutDown, 0);
    }

    // ---- publish -------------------------------------------------------------------------

    @Override
    protected CompletableFuture<Void> send(byte[] message) {
        return sender.publish(message);
    }

    private void sendFailed(Exception e) {
        long n = sendFailures.incrementAndGet();
        if (n <= 10 || n % 1000 == 0) LOG.error("kafka sync: a publish failed ({} so far): {}", n, KafkaFailures.detail(e));
    }

    // ---- close ---------------------------------------------------------------------------

    @Override
    protected CompletableFuture<Void> doClose() {
        return CompletableFuture.runAsync(this::shutDown, r -> DaemonThreads.named("feathers4j-kafka-close").newThread(r).start());
    }

    private void shutDown() {
        reader.stop(Duration.ofSeconds(5)); // stores the offsets first
        sender.close(Duration.ofSeconds(3));
        KafkaProducer<byte[], byte[]> p = producer;
        if (p != null) {
            try {
                p.close(Duration.ofSeconds(5)); // sends what it holds, if it can within that
            } catch (Throwable e) {
                LOG.debug("kafka sync: closing the producer failed", e);
            }
        }
        worker.shutdownNow();
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = super.counters();
        m.put("connectAttempts", connectAttempts.get());
        m.put("publishAcked", sender.acked());
        m.put("publishFailed", sendFailures.get());
        m.put("publishUnacked", (long) sender.unacked());
        m.put("publishOfferedAgain", sender.offeredAgain());
        m.put("partitions", (long) Math.max(partitions, reader.partitions()));
        m.put("recordsDelivered", reader.delivered());
        m.put("recordsEmpty", reader.emptyRecords());
        m.put("retentionSkipped", reader.retentionSkipped());
        m.put("readerErrors", readerErrors.get());
        m.put("cursorCommits", reader.commits());
        m.put("cursorErrors", reader.cursorErrors());
        m.put("adapterGaps", syncGaps.get());
        return m;
    }
}
