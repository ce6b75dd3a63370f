package org.feathers4j.sync;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.feathers4j.sync.spi.SyncAdapter;

/**
 * A raw client on a sync bus, made from the same adapter as the apps under test (found by the
 * options' URI scheme): it records the bytes of every message on the key and publishes bytes as
 * they are, as another process on the broker would (Node feathers-sync, or an attacker). With
 * SPI adapters, the application has no way to see or inject bus messages; tests use this.
 */
public final class BusTap implements AutoCloseable {

    private final SyncAdapter adapter;
    private final List<byte[]> messages = new CopyOnWriteArrayList<>();

    private BusTap(SyncAdapter adapter) {
        this.adapter = adapter;
    }

    /** A tap on the options' broker and key, connected (waits up to 20 s). */
    public static BusTap on(SyncOptions options) {
        SyncOptions copy = Objects.requireNonNull(options, "options").copy().instanceId("bus-tap-" + java.util.UUID.randomUUID());
        BusTap tap = new BusTap(Sync.provider(copy).create(copy));
        tap.adapter.start(tap.messages::add);
        tap.adapter.ready().orTimeout(20, TimeUnit.SECONDS).join();
        return tap;
    }

    /** Every message seen on the bus since the tap connected, in arrival order. */
    public List<byte[]> messages() {
        return messages;
    }

    /** The messages as UTF-8 text. */
    public List<String> texts() {
        return messages.stream().map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8)).toList();
    }

    /** Publishes these bytes on the bus as they are; waits until the broker took them. */
    public void publish(byte[] bytes) {
        adapter.publish(bytes).orTimeout(20, TimeUnit.SECONDS).join();
    }

    /** Publishes this text (UTF-8) on the bus as it is. */
    public void publish(String text) {
        publish(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        adapter.close().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
}
