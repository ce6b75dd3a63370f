package org.feathers4j.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** java.time, Optional, BigDecimal and UUID values through the memory bus, as the server writes them. */
class JsonTypesSyncTest {

    private Application a;
    private Application b;
    private List<Received> onB;
    private BusTap tap;

    @BeforeEach
    void start() {
        String uri = SyncTestApps.memoryUri();
        a = SyncTestApps.app();
        b = SyncTestApps.app();
        for (Application app : List.of(a, b)) {
            app.configure(Sync.of(uri));
            app.sync().ready().orTimeout(5, TimeUnit.SECONDS).join();
        }
        tap = BusTap.on(SyncOptions.uri(uri));
        onB = SyncTestApps.record(b);
    }

    @AfterEach
    void stop() {
        for (Application app : List.of(a, b)) app.sync().close().join();
        tap.close();
    }

    @Test
    void aStoredMapAndAnEmittedRecordArriveWithIsoStrings() {
        a.service("messages").create(JsonTypes.map("typed")).join();
        a.service("messages").emit("typing", JsonTypes.record());

        await().atMost(Duration.ofSeconds(5)).until(() -> onB.size() == 2);
        assertThat(onB).extracting(Received::event).containsExactly("created", "typing");
        JsonTypes.assertArrived(onB.get(0).data());
        JsonTypes.assertArrived(onB.get(1).data());
        List<String> wire = tap.texts();
        assertThat(wire).hasSize(2);
        assertThat(wire.get(0)).contains("\"data\":{\"text\":\"typed\"," + JsonTypes.WIRE);
        assertThat(wire.get(1)).contains("\"data\":{" + JsonTypes.WIRE + "}");
    }

    @Test
    void theDefaultMapperIsTheSharedRecipe() throws Exception {
        assertThat(JsonSyncSerializer.defaultMapper().writeValueAsString(JsonTypes.record()))
                .isEqualTo(org.feathers4j.json.FeathersJson.newObjectMapper().writeValueAsString(JsonTypes.record()))
                .isEqualTo("{" + JsonTypes.WIRE + "}");
    }
}
