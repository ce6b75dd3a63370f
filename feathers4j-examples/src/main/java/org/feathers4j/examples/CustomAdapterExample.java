package org.feathers4j.examples;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.feathers4j.Application;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.AbstractSyncAdapter;

/**
 * The two ways to write your own sync adapter, side by side, over a toy "message queue" (an
 * in-process topic standing in for your broker's client):
 *
 * <ol>
 *   <li>the SPI: extend {@link AbstractSyncAdapter} (state, ready, buffering while down come for
 *       free) and hand it to {@link Sync#with}; add a {@code SyncAdapterProvider} to select it by
 *       URI scheme;</li>
 *   <li>the route feathers-sync documents: listen to {@code sync-out} on the app, publish the
 *       bytes, and emit {@code sync-in} with what arrives ({@link Sync#viaEvents}).</li>
 * </ol>
 */
public final class CustomAdapterExample {

    private CustomAdapterExample() {
    }

    /** A toy broker topic: every subscriber gets every message, in order, on one thread. */
    static final class ToyTopic {
        private final List<Consumer<byte[]>> subscribers = new CopyOnWriteArrayList<>();
        private final ExecutorService thread = Executors.newSingleThreadExecutor();

        CompletableFuture<Void> publish(byte[] message) {
            return CompletableFuture.runAsync(() -> subscribers.forEach(s -> s.accept(message)), thread);
        }

        void subscribe(Consumer<byte[]> subscriber) {
            subscribers.add(subscriber);
        }

        void close() {
            thread.shutdown();
        }
    }

    /** Way 1: an adapter on the SPI. */
    static final class ToyAdapter extends AbstractSyncAdapter {
        private final ToyTopic topic;

        ToyAdapter(ToyTopic topic, SyncOptions options) {
            super("toy", options);
            this.topic = topic;
        }

        @Override
        protected void doStart() {
            topic.subscribe(this::deliver); // a real adapter connects here, and calls disconnected()/connected() as it goes
            connected();
        }

        @Override
        protected CompletableFuture<Void> send(byte[] message) {
            return topic.publish(message);
        }

        @Override
        protected CompletableFuture<Void> doClose() {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Runs the example. */
    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /** Runs both ways; returns how many events were seen (4 when everything works). */
    public static int run(PrintStream out) throws Exception {
        ToyTopic topic = new ToyTopic();
        CountDownLatch seen = new CountDownLatch(4);

        // Way 1: the SPI
        Application spiApp = new Application().use("messages", new MemoryService());
        SyncOptions options = new SyncOptions().setUri("toy://local");
        spiApp.configure(Sync.with(new ToyAdapter(topic, options), options));

        // Way 2: sync-out / sync-in events
        Application eventApp = new Application().use("messages", new MemoryService());
        eventApp.configure(Sync.viaEvents("toy-events", CompletableFuture.completedFuture(null), new SyncOptions()));
        eventApp.on(Sync.SYNC_OUT, message -> topic.publish((byte[]) message[0]));
        topic.subscribe(bytes -> eventApp.emit(Sync.SYNC_IN, (Object) bytes));

        for (Application app : List.of(spiApp, eventApp)) {
            String name = app.sync().type();
            app.service("messages").on("created", (m, ctx) -> {
                out.printf("[%s] created %s%n", name, m);
                seen.countDown();
            });
        }
        spiApp.service("messages").create(Map.of("text", "via the SPI adapter")).join();
        eventApp.service("messages").create(Map.of("text", "via sync-out/sync-in")).join();
        boolean all = seen.await(5, TimeUnit.SECONDS);
        out.println(all ? "both apps saw both messages" : "missing events: " + seen.getCount());
        spiApp.teardown().join();
        eventApp.teardown().join();
        topic.close();
        return (int) (4 - seen.getCount());
    }
}
