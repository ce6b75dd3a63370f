package org.feathers4j.sync.amqp.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumes the instance queue with manual acks, acknowledged in batches after the events were
 * emitted: every quarter of the prefetch window, and by the adapter's scheduler every
 * {@value AmqpSyncAdapter#ACK_FLUSH_MS} ms for the rest. Acks are cumulative ({@code multiple})
 * and only ever move forward.
 */
final class Consumer extends DefaultConsumer {

    private final AmqpSyncAdapter adapter;
    private final int batch;
    private final AtomicLong received;
    private final AtomicLong redelivered;
    private long latest; // highest delivery tag handled; guarded by this
    private long acked;  // highest delivery tag acknowledged; guarded by this
    // amqp-client dispatches cancel-ok after the deliveries it had queued before it: once it came, none is left
    private final CountDownLatch cancelled = new CountDownLatch(1);

    Consumer(Channel channel, AmqpSyncAdapter adapter, int prefetch, AtomicLong received, AtomicLong redelivered) {
        super(channel);
        this.adapter = adapter;
        this.batch = Math.max(1, prefetch / 4);
        this.received = received;
        this.redelivered = redelivered;
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        received.incrementAndGet();
        if (envelope.isRedeliver()) redelivered.incrementAndGet();
        adapter.received(body);
        long tag = envelope.getDeliveryTag();
        synchronized (this) {
            latest = Math.max(latest, tag);
            if (latest - acked >= batch) ackUpTo(latest);
        }
    }

    /** Acknowledges what was handled and not yet acknowledged. */
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
            adapter.submit(() -> adapter.unexpectedError("ack", e), 0); // not under this consumer's lock
        }
    }

    @Override
    public void handleCancelOk(String consumerTag) {
        cancelled.countDown();
    }

    /**
     * Waits until this consumer's cancellation was confirmed, i.e. until every delivery dispatched before it
     * was handled (an event emitted but not yet acknowledged would be delivered again to the next run).
     */
    boolean awaitCancelled(long timeoutMs) throws InterruptedException {
        return cancelled.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handleCancel(String consumerTag) {
        adapter.cancelledByBroker();
    }
}
