package org.feathers4j.sync.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.SyncState;
import org.feathers4j.sync.spi.SyncAdapter;

/**
 * Run in a child JVM by {@code RedisFailureTest} with Netty 4.1's epoll jars added to the class path:
 * starts a Redis adapter the default way (from a URI) and prints what it reports, one
 * {@code KEY=value} line each, so the test can read them from the output.
 *
 * <p>Arguments: the Redis URI, the key.
 */
public final class MixedNettyMain {

    private MixedNettyMain() {
    }

    public static void main(String[] args) throws Exception {
        SyncAdapter adapter;
        try {
            SyncOptions options = SyncOptions.uri(args[0]).key(args[1]).notReadyWarning(Duration.ofSeconds(2));
            adapter = RedisSync.adapter(options, RedisSyncConfig.from(options));
        } catch (Throwable t) {
            // made on the application's thread: visible to it as a thrown error, not silent
            System.out.println("CREATE_THREW=" + t);
            System.out.flush();
            return;
        }
        adapter.start(m -> { });
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end && adapter.state() != SyncState.FAILED && adapter.state() != SyncState.CONNECTED) {
            Thread.sleep(50);
        }
        System.out.println("STATE=" + adapter.state());
        Throwable e = adapter.lastError();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) System.out.println("CAUSE=" + t);
        System.out.println("READY_FAILED=" + adapter.ready().isCompletedExceptionally());
        System.out.flush();
        adapter.close().get(10, TimeUnit.SECONDS);
    }
}
