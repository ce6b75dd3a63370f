package org.feathers4j.benchmarks.instance;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Raw RabbitMQ amqp-client, the way feathers-sync uses AMQP: a non-durable fanout exchange, a
 * server-named exclusive queue per instance consumed without acks, publishes without confirms.
 */
final class RawAmqpDriver implements Driver {

    private final String uri;
    private final String key;
    private Connection connection;
    private Channel pubChannel;

    RawAmqpDriver(String uri, String key) {
        this.uri = uri;
        this.key = key;
    }

    @Override
    public void start(Recorder recorder) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(uri);
        connection = f.newConnection("feathers4j-bench-raw");
        Channel sub = connection.createChannel();
        sub.exchangeDeclare(key, "fanout", false, true, null);
        String queue = sub.queueDeclare("", false, true, true, null).getQueue();
        sub.queueBind(queue, key, "");
        sub.basicConsume(queue, true, (tag, delivery) -> RawMessages.receive(delivery.getBody(), recorder), tag -> { });
        pubChannel = connection.createChannel();
    }

    @Override
    public CompletionStage<?> send(String phase, int n, long sentNs) {
        try {
            pubChannel.basicPublish(key, "", null, RawMessages.encode(phase, n, sentNs));
            return CompletableFuture.completedFuture(null);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() throws Exception {
        if (connection != null) connection.close(5000);
    }
}
