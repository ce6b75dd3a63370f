package org.feathers4j.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.Test;

/**
 * The seed's custom-adapter route: with {@link Sync#viaEvents}, the engine emits {@code sync-out}
 * with the bytes to publish and handles {@code sync-in}; the adapter is application code.
 */
class ViaEventsTest {

    /** Two apps whose "adapter" is a list of subscribers fed from sync-out. */
    private static List<Application> linked(CompletableFuture<Void> ready) {
        Application a = SyncTestApps.app();
        Application b = SyncTestApps.app();
        List<Application> both = List.of(a, b);
        for (Application app : both) {
            app.configure(Sync.viaEvents("topic", ready, new SyncOptions()));
            app.on(Sync.SYNC_OUT, args -> both.forEach(x -> x.emit(Sync.SYNC_IN, args[0])));
        }
        return both;
    }

    @Test
    void eventsGoOutOnSyncOutAndComeInOnSyncIn() {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        List<Application> apps = linked(ready);
        Application a = apps.get(0);
        Application b = apps.get(1);
        assertThat(a.sync().type()).isEqualTo("topic");
        assertThat(a.sync().state()).isEqualTo(SyncState.CONNECTING);
        ready.complete(null);
        assertThat(a.sync().state()).isEqualTo(SyncState.CONNECTED);

        List<Object> wire = new CopyOnWriteArrayList<>();
        a.on(Sync.SYNC_OUT, args -> wire.add(args[0]));
        List<Received> onA = SyncTestApps.record(a);
        List<Received> onB = SyncTestApps.record(b);
        a.service("messages").create(Map.of("text", "hi")).join();

        assertThat(wire).hasSize(1).first().isInstanceOf(byte[].class);
        assertThat(new String((byte[]) wire.get(0), StandardCharsets.UTF_8)).contains("\"event\":\"created\"");
        assertThat(SyncTestApps.field(onA, "text")).containsExactly("hi");
        assertThat(SyncTestApps.field(onB, "text")).containsExactly("hi");
        assertThat(onB.get(0).context().isFromSync()).isTrue();
        assertThat(a.sync().counters()).containsEntry("sent", 1L);
    }

    @Test
    void whatTheAdapterEmitsMayBeTextAndAnythingElseIsDroppedAndCounted() {
        List<Application> apps = linked(CompletableFuture.completedFuture(null));
        Application b = apps.get(1);
        List<Received> onB = SyncTestApps.record(b);
        b.emit(Sync.SYNC_IN, "{\"event\":\"created\",\"path\":\"messages\",\"data\":{\"text\":\"from node\"},\"context\":{}}");
        b.emit(Sync.SYNC_IN, 42);
        b.emit(Sync.SYNC_IN);
        assertThat(SyncTestApps.field(onB, "text")).containsExactly("from node");
        assertThat(b.sync().counters()).containsEntry("received", 1L).containsEntry("dropped", 1L);
    }

    @Test
    void aFailedReadyIsTheFailedState() {
        List<Application> apps = linked(CompletableFuture.failedFuture(new IllegalStateException("no topic")));
        assertThat(apps.get(0).sync().state()).isEqualTo(SyncState.FAILED);
    }
}
