package org.feathers4j.sync.redis;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw connection for the tests that cut clients on the Redis side: {@code CLIENT KILL} by id of the test's own
 * pub/sub clients (found by their names, so other clients of the shared Redis are never touched), or
 * {@code CLIENT KILL TYPE pubsub} on a private server.
 */
final class RedisClients implements AutoCloseable {

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    RedisClients(String uri) {
        client = RedisClient.create(uri);
        connection = client.connect();
    }

    RedisCommands<String, String> sync() {
        return connection.sync();
    }

    /** Ids of the pub/sub clients whose name matches (a client without a name is seen as ""). */
    List<Long> pubSubIds(Predicate<String> name) {
        List<Long> ids = new ArrayList<>();
        for (String line : connection.sync().clientList().split("\n")) {
            String id = field(line, "id");
            String flags = field(line, "flags");
            String n = field(line, "name");
            if (id != null && flags != null && flags.contains("P") && name.test(n == null ? "" : n)) ids.add(Long.parseLong(id));
        }
        return ids;
    }

    /** Kills these clients, the commands pipelined so that they go at (nearly) the same instant; returns how many. */
    long kill(List<Long> ids) {
        RedisAsyncCommands<String, String> a = connection.async();
        List<CompletableFuture<Long>> all = new ArrayList<>();
        for (long id : ids) all.add(a.clientKill(KillArgs.Builder.id(id)).toCompletableFuture());
        long n = 0;
        for (CompletableFuture<Long> f : all) n += f.orTimeout(5, TimeUnit.SECONDS).join();
        return n;
    }

    /** {@code CLIENT KILL TYPE pubsub}: only on a private server. */
    long killAllPubSub() {
        return connection.sync().clientKill(KillArgs.Builder.typePubsub());
    }

    private static String field(String line, String name) {
        for (String part : line.trim().split(" ")) {
            if (part.startsWith(name + "=")) return part.substring(name.length() + 1);
        }
        return null;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
