package org.feathers4j.benchmarks.instance;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Raw RabbitMQ amqp-client, with one of two sets of guarantees and nothing else:
 * <ul>
 *   <li>not durable: the way feathers-sync uses AMQP: a non-durable fanout exchange, a server-named
 *   exclusive queue per instance consumed without acks, publishes without confirms;</li>
 *   <li>durable: feathers4j-amqp's no-loss defaults: a named durable queue per instance, persistent
 *   messages, publisher confirms (a send completes when confirmed), cumulative acks every 64
 *   deliveries. What RabbitMQ itself costs for those settings, without feathers4j.</li>
 * </ul>
 */
final class RawAmqpDriver implements Driver {

    private static final int ACK_EVERY = 64;
    private static final AMQP.BasicProperties PERSISTENT = new AMQP.BasicProperties.Builder().deliveryMode(2).build();

    private final String uri;
    private final String key;
    private final boolean durable;
    private final ConcurrentSkipListMap<Long, CompletableFuture<Void>> unconfirmed = new ConcurrentSkipListMap<>();
    private Connection connection;
    private Channel pubChannel;
    private Channel subChannel;
    private String queue;

    RawAmqpDriver(String uri, String key, boolean durable) {
        this.uri = uri;
        this.key = key;
        this.durable = durable;
    }

    @Override
    public void start(Recorder recorder) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(uri);
        connection = f.newConnection(durable ? "feathers4j-bench-raw-durable" : "feathers4j-bench-raw");
        subChannel = connection.createChannel();
        subChannel.exchangeDeclare(key, "fanout", false, true, null);
        pubChannel = connection.createChannel();
        if (!durable) {
            queue = subChannel.queueDeclare("", false, true, true, null).getQueue();
            subChannel.queueBind(queue, key, "");
            subChannel.basicConsume(queue, true, (tag, delivery) -> RawMessages.receive(delivery.getBody(), recorder), tag -> { });
            return;
        }
        queue = key + "-" + ProcessHandle.current().pid();
        subChannel.queueDeclare(queue, true, false, false, Map.of("x-expires", 60_000));
        subChannel.queueBind(queue, key, "");
        subChannel.basicQos(256);
        subChannel.basicConsume(queue, false, new DefaultConsumer(subChannel) {
            private long acked;

            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) throws IOException {
                RawMessages.receive(body, recorder);
                long t = envelope.getDeliveryTag();
                if (t - acked >= ACK_EVERY) {
                    getChannel().basicAck(t, true);
                    acked = t;
                }
            }
        });
        pubChannel.confirmSelect();
        pubChannel.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long seq, boolean multiple) {
                if (multiple) {
                    ConcurrentNavigableMap<Long, CompletableFuture<Void>> head = unconfirmed.headMap(seq, true);
                    head.values().forEach(d -> d.complete(null));
                    head.clear();
                } else {
                    CompletableFuture<Void> d = unconfirmed.remove(seq);
                    if (d != null) d.complete(null);
                }
            }

            @Override
            public void handleNack(long seq, boolean multiple) {
                handleAck(seq, multiple); // not expected here; the run's loss count would show a message the broker dropped
            }
        });
    }

    @Override
    public synchronized CompletionStage<?> send(String phase, int n, long sentNs) {
        try {
            byte[] message = RawMessages.encode(phase, n, sentNs);
            if (!durable) {
                pubChannel.basicPublish(key, "", null, message);
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            unconfirmed.put(pubChannel.getNextPublishSeqNo(), done);
            pubChannel.basicPublish(key, "", PERSISTENT, message);
            return done;
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() throws Exception {
        if (durable && subChannel != null && subChannel.isOpen()) subChannel.queueDelete(queue);
        if (connection != null) connection.close(5000);
    }
}
