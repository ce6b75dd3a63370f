package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.SyncTestApps.record;
import static org.feathers4j.sync.SyncTestApps.uniqueKey;
import static org.feathers4j.sync.redis.RedisTestSupport.app;
import static org.feathers4j.sync.redis.RedisTestSupport.closeAll;
import static org.feathers4j.sync.redis.RedisTestSupport.sharedRedis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.sync.BusTap;
import org.feathers4j.sync.JsonTypes;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** java.time, Optional, BigDecimal and UUID values between two apps through the shared Redis. */
@Tag("broker")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisJsonTypesTest {

    private Application a;
    private Application b;

    @AfterEach
    void tearDown() {
        closeAll(a, b);
    }

    @Test
    void aStoredMapWithTypedValuesArrivesAsIsoStrings() {
        String uri = sharedRedis();
        String key = uniqueKey("json-types");
        a = app(uri, key);
        b = app(uri, key);
        for (Application app : List.of(a, b)) app.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        List<Received> created = record(b);
        try (BusTap wire = BusTap.on(SyncOptions.uri(uri).key(key))) {
            a.service("messages").create(JsonTypes.map("typed")).join();

            await().atMost(Duration.ofSeconds(10)).until(() -> created.size() == 1 && wire.messages().size() == 1);
            JsonTypes.assertArrived(created.get(0).data());
            assertThat(wire.texts()).singleElement().asString().contains("{\"text\":\"typed\"," + JsonTypes.WIRE);
        }
    }
}
