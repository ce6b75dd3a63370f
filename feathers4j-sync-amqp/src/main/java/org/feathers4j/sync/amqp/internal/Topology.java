package org.feathers4j.sync.amqp.internal;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownListener;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.feathers4j.sync.amqp.AmqpSyncConfig;

/**
 * The exchange and the instance queue: the non-durable fanout exchange {@code key} (exactly as Node
 * feathers-sync 3.x declares it) and one named, non-exclusive queue per instance with
 * {@code x-expires} (and {@code x-max-length}), bound to it; a consuming and a publishing channel.
 */
final class Topology {

    /** The two channels of one set-up, and the consumer on the first. */
    record Channels(Channel sub, Channel pub, Consumer consumer) {
    }

    private final AmqpSyncConfig config;
    private final String exchange;
    private final String queue;

    Topology(AmqpSyncConfig config, String exchange, String queue) {
        this.config = config;
        this.exchange = exchange;
        this.queue = queue;
    }

    String exchange() {
        return exchange;
    }

    String queue() {
        return queue;
    }

    /**
     * Opens both channels, declares the exchange and the queue, binds, turns on confirms (via
     * {@code publisher}) and starts consuming; closes what it opened if any of it fails.
     */
    Channels setup(Connection c, Publisher publisher, Function<Channel, Consumer> consumers, ShutdownListener onChannelLost,
                   Runnable beforeConsume) throws IOException {
        Channel sub = null;
        Channel pub = null;
        try {
            sub = c.createChannel();
            pub = c.createChannel();
            if (sub == null || pub == null) throw new IOException("the connection has no free channel (channel_max reached)");
            declareExchange(pub);
            Map<String, Object> args = new HashMap<>();
            args.put("x-expires", config.queueExpires().toMillis());
            if (config.queueMaxLength() > 0) args.put("x-max-length", config.queueMaxLength());
            sub.queueDeclare(queue, config.persistent(), false, false, args);
            sub.queueBind(queue, exchange, "");
            sub.basicQos(config.prefetch());
            publisher.prepare(pub);
            pub.addShutdownListener(onChannelLost);
            sub.addShutdownListener(onChannelLost);
            Consumer consumer = consumers.apply(sub);
            beforeConsume.run(); // a resume gap goes before the first delivery
            sub.basicConsume(queue, false, consumer);
            return new Channels(sub, pub, consumer);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(sub);
            closeQuietly(pub);
            throw e;
        }
    }

    /** Declares the exchange as feathers-sync 3.x does: durable=false, autoDelete=false, internal=false, no arguments. */
    void declareExchange(Channel ch) throws IOException {
        ch.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, false, false, false, null);
    }

    /** While connected: declares the exchange and binds the queue again (both idempotent). */
    void check(Channels channels) throws IOException {
        declareExchange(channels.pub());
        channels.sub().queueBind(queue, exchange, "");
    }

    /** What a passive declare found: whether the queue exists, and how many messages wait in it. */
    record Found(boolean exists, long messages) {
    }

    /**
     * Looks for the queue without creating it, on a channel of its own (a missing queue closes
     * the channel with NOT_FOUND).
     */
    Found probe(Connection c) throws IOException {
        Channel ch = c.createChannel();
        if (ch == null) throw new IOException("the connection has no free channel (channel_max reached)");
        try {
            return new Found(true, ch.queueDeclarePassive(queue).getMessageCount());
        } catch (IOException e) {
            if (AmqpFailures.replyCode(e) == 404) return new Found(false, 0);
            throw e;
        } finally {
            closeQuietly(ch);
        }
    }

    /**
     * Deletes the queue if it exists (a previous run's, for {@code resume=NEW}), on a channel of
     * its own; returns the number of messages it held.
     */
    long drop(Connection c) throws IOException {
        Channel ch = c.createChannel();
        if (ch == null) throw new IOException("the connection has no free channel (channel_max reached)");
        try {
            return ch.queueDelete(queue).getMessageCount();
        } finally {
            closeQuietly(ch);
        }
    }

    /** On a clean close: this instance leaves, nobody will read its queue again. */
    void deleteQueue(Channel sub) throws IOException {
        sub.queueDelete(queue);
    }

    static void closeQuietly(Channel ch) {
        if (ch == null || !ch.isOpen()) return;
        try {
            ch.close();
        } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException ignored) {
            // best effort
        }
    }
}
