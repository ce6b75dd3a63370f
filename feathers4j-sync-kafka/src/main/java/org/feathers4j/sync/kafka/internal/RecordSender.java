package org.feathers4j.sync.kafka.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.spi.support.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands publishes to the producer, in order, on one thread of its own, so that a publishing
 * application thread never waits for Kafka. What the producer refuses before taking a record
 * (its metadata for the topic is not there, e.g. just after a broker restart, or its memory is
 * full) is offered again, and nothing after it is sent meanwhile: the order holds and nothing is
 * lost. Once the producer took a record it retries it itself (idempotent, in order) until
 * {@code delivery.timeout.ms}.
 *
 * <p>Tracks when each publish not yet acknowledged was handed over, so the adapter can tell a
 * cluster that stopped acknowledging ({@link #oldestUnackedNanos()}).
 */
final class RecordSender {

    private static final Logger LOG = LoggerFactory.getLogger(RecordSender.class);
    private static final long RETRY_PAUSE_MS = 100;

    private record Item(byte[] message, CompletableFuture<Void> done, long since) {
    }

    private final Supplier<KafkaProducer<byte[], byte[]>> producer;
    private final String topic;
    private final byte[] key;
    private final Consumer<Exception> failure;
    private final ArrayDeque<Item> queue = new ArrayDeque<>(); // handed to send(), not yet to the producer
    private final ArrayDeque<Long> unacked = new ArrayDeque<>(); // hand-over times of all not yet acknowledged; guarded by queue
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong offeredAgain = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean retry; // set by the producer's callback when it refused the record at once; publisher thread only
    private boolean inSend; // publisher thread only

    RecordSender(Supplier<KafkaProducer<byte[], byte[]>> producer, String topic, byte[] key, Consumer<Exception> failure) {
        this.producer = producer;
        this.topic = topic;
        this.key = key;
        this.failure = failure;
        this.thread = DaemonThreads.factory(KafkaFailures.TYPE, "publisher").newThread(this::run);
    }

    /** Starts the publisher thread (once the adapter starts). */
    void start() {
        thread.start();
    }

    /** Queues a publish; the future completes when Kafka acknowledged it. */
    CompletableFuture<Void> publish(byte[] message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        long now = System.nanoTime();
        synchronized (queue) {
            if (!running) {
                done.completeExceptionally(new SyncException(KafkaFailures.TYPE, Reason.CLOSED, "kafka sync adapter closed"));
                return done;
            }
            queue.addLast(new Item(message, done, now));
            unacked.addLast(now);
            queue.notifyAll();
        }
        return done;
    }

    /** Nanoseconds since the oldest publish not yet acknowledged was queued, or 0. */
    long oldestUnackedNanos() {
        synchronized (queue) {
            Long t = unacked.peekFirst();
            return t == null ? 0 : System.nanoTime() - t;
        }
    }

    int unacked() {
        synchronized (queue) {
            return unacked.size();
        }
    }

    long acked() {
        return acked.get();
    }

    long offeredAgain() {
        return offeredAgain.get();
    }

    private void run() {
        while (true) {
            Item item;
            synchronized (queue) {
                while (running && queue.isEmpty()) {
                    try {
                        queue.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                item = queue.peekFirst();
                if (item == null) return; // stopped and drained
            }
            try {
                if (!hand(item)) return;
            } catch (RuntimeException e) {
                // a record the producer refused for good (e.g. too large): that publish fails, the others go on
                completed(item, e);
            }
            synchronized (queue) {
                queue.pollFirst();
            }
        }
    }

    /** Hands one record over, offering it again while the producer refuses it for a passing reason; false when stopped. */
    private boolean hand(Item item) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, item.message());
        while (true) {
            KafkaProducer<byte[], byte[]> p = producer.get();
            retry = false;
            inSend = true;
            try {
                p.send(record, (metadata, e) -> {
                    if (e != null && inSend && Thread.currentThread() == thread && e instanceof RetriableException) {
                        retry = true; // refused before the producer took it: offered again below
                        return;
                    }
                    completed(item, e);
                });
            } finally {
                inSend = false;
            }
            if (!retry) return true;
            long n = offeredAgain.incrementAndGet();
            if (n == 1 || n % 100 == 0) {
                LOG.info("kafka sync: the producer cannot take a publish yet (no metadata for topic {} or memory full); "
                        + "offering it again ({} times so far)", topic, n);
            }
            if (!running) return false;
            try {
                Thread.sleep(RETRY_PAUSE_MS);
            } catch (InterruptedException e) {
                return false;
            }
        }
    }

    private void completed(Item item, Exception e) {
        synchronized (queue) {
            unacked.remove(item.since());
        }
        if (e == null) {
            acked.incrementAndGet();
            item.done().complete(null);
        } else {
            failure.accept(e);
            Reason reason = KafkaFailures.reason(e);
            item.done().completeExceptionally(KafkaFailures.of(reason == Reason.INTERNAL ? Reason.PROTOCOL : reason,
                    "kafka sync: publishing to topic " + topic + " failed: " + KafkaFailures.detail(e), e));
        }
    }

    /** Waits up to {@code wait} for the queue to be handed over, then stops; what is left fails. */
    void close(Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        synchronized (queue) {
            while (!queue.isEmpty() && System.nanoTime() < until) {
                try {
                    queue.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            running = false;
            queue.notifyAll();
        }
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left;
        synchronized (queue) {
            left = queue.size();
            for (Item i : queue) {
                i.done().completeExceptionally(new SyncException(KafkaFailures.TYPE, Reason.CLOSED,
                        "kafka sync adapter closed before this publish was handed to Kafka"));
            }
            queue.clear();
        }
        if (left > 0) LOG.warn("kafka sync closed with {} publish(es) not handed to Kafka", left);
    }
}
