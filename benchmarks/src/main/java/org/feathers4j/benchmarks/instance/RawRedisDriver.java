package org.feathers4j.benchmarks.instance;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Raw Lettuce: PUBLISH on one connection, pipelined (auto-flush off; the sender flushes before it
 * waits for replies, and after every paced send), SUBSCRIBE on another.
 */
final class RawRedisDriver implements Driver {

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final String uri;
    private final String key;
    private RedisClient client;
    private StatefulRedisConnection<String, byte[]> pub;
    private RedisAsyncCommands<String, byte[]> commands;
    private StatefulRedisPubSubConnection<String, byte[]> sub;

    RawRedisDriver(String uri, String key) {
        this.uri = uri;
        this.key = key;
    }

    @Override
    public void start(Recorder recorder) throws Exception {
        client = RedisClient.create(uri);
        pub = client.connect(CODEC);
        pub.setAutoFlushCommands(false);
        commands = pub.async();
        sub = client.connectPubSub(CODEC);
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                RawMessages.receive(message, recorder);
            }
        });
        sub.async().subscribe(key).get(30, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> send(String phase, int n, long sentNs) {
        return commands.publish(key, RawMessages.encode(phase, n, sentNs));
    }

    @Override
    public void flush() {
        pub.flushCommands();
    }

    @Override
    public void close() {
        if (sub != null) sub.close();
        if (pub != null) pub.close();
        if (client != null) client.shutdown();
    }
}
