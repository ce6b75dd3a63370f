package org.feathers4j.benchmarks.instance;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Raw jnats: one connection, a dispatcher subscription, fire-and-forget publishes. */
final class RawNatsDriver implements Driver {

    private final String uri;
    private final String key;
    private Connection connection;

    RawNatsDriver(String uri, String key) {
        this.uri = uri;
        this.key = key;
    }

    @Override
    public void start(Recorder recorder) throws Exception {
        connection = Nats.connect(new Options.Builder().server(uri).connectionName("feathers4j-bench-raw").build());
        Dispatcher d = connection.createDispatcher(msg -> RawMessages.receive(msg.getData(), recorder));
        d.subscribe(key);
        connection.flush(Duration.ofSeconds(10));
    }

    @Override
    public CompletionStage<?> send(String phase, int n, long sentNs) {
        try {
            connection.publish(key, RawMessages.encode(phase, n, sentNs));
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() throws Exception {
        if (connection != null) connection.close();
    }
}
