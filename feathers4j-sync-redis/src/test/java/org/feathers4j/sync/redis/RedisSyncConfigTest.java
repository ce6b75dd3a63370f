package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ClientOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.feathers4j.sync.OptionTableCheck;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.Test;

/** The schemes, the settings and their documentation; no server needed. */
class RedisSyncConfigTest {

    @Test
    void theProviderServesTheRedisSchemes() {
        for (String u : new String[] {"redis://h:1", "rediss://h:1", "redis-sentinel://h:26379#m",
                "redis+sentinel://h:26379#m", "rediss+sentinel://h:26379#m"}) {
            assertThat(Sync.provider(SyncOptions.uri(u))).isInstanceOf(RedisSyncAdapterProvider.class);
        }
        assertThat(new RedisSyncAdapterProvider().schemes()).isEqualTo(RedisSync.SCHEMES);
    }

    @Test
    void configDefaultsAndAdapterOptions() {
        RedisSyncConfig d = RedisSyncConfig.create();
        assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.commandTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.retryDelayMin()).isEqualTo(Duration.ofMillis(100));
        assertThat(d.retryDelayMax()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.healthCheckInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(d.resubscribeWait()).isEqualTo(Duration.ofSeconds(3));
        assertThat(d.clientName()).isEqualTo("feathers4j-sync");
        assertThat(d.clientOptions()).isNull();
        assertThat(d.clientResources()).isNull();
        assertThat(RedisSyncConfig.from(new SyncOptions())).isEqualTo(d).hasSameHashCodeAs(d);

        Consumer<ClientOptions.Builder> customizer = b -> { };
        RedisSyncConfig c = RedisSyncConfig.from(new SyncOptions().option("clientName", "x")
                .option("connectTimeout", 1500).option("retryDelayMax", "PT2S").option("commandTimeout", "3s")
                .option("resubscribeWait", "0").option("clientOptions", customizer));
        assertThat(c.clientName()).isEqualTo("x");
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.retryDelayMax()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.commandTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.resubscribeWait()).isZero();
        assertThat(c.clientOptions()).isSameAs(customizer);
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.toString()).contains("connectTimeout=1500ms", "retryDelayMax=2s", "clientOptions=set");
    }

    @Test
    void badSettingsFailNamingTheSetting() {
        assertThatThrownBy(() -> RedisSyncConfig.from(new SyncOptions().option("commandTimeout", "soon")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commandTimeout");
        assertThatThrownBy(() -> RedisSyncConfig.from(new SyncOptions().option("clientResources", "mine")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientResources");
        assertThatThrownBy(() -> RedisSyncConfig.builder().connectTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> RedisSyncConfig.builder().resubscribeWait(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resubscribeWait");
        assertThatThrownBy(() -> RedisSyncConfig.builder().retryDelayMin(Duration.ofSeconds(2))
                .retryDelayMax(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryDelayMax");
        assertThatThrownBy(() -> RedisSyncConfig.from(new SyncOptions().option("redis", RedisSyncConfig.create())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RedisSync.of(options, config)");
    }

    @Test
    void theReadmeDocumentsEverySettingWithItsDefault() throws Exception {
        OptionTableCheck.assertDocumented(Path.of("README.md"), RedisSyncConfig.class);
    }

    @Test
    void shardedComesFromTheUriOrTheOptionsAndDefaultsToTrue() {
        assertThat(RedisSyncConfig.from(SyncOptions.uri("redis-cluster://h:7000")).sharded()).isTrue();
        assertThat(RedisSyncConfig.from(SyncOptions.uri("redis-cluster://h:7000?sharded=false")).sharded()).isFalse();
        assertThat(RedisSyncConfig.from(SyncOptions.uri("redis-cluster://h:7000").option("sharded", false)).sharded()).isFalse();
        assertThatThrownBy(() -> RedisSyncConfig.from(SyncOptions.uri("redis-cluster://h:7000?sharded=maybe")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sharded");
        assertThat(RedisSyncConfig.builder().sharded(false).build().toString()).contains("sharded=false");
    }
}
