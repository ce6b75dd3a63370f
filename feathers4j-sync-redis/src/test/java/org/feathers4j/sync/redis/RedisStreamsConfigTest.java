package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.redis.RedisSyncConfig.Mode;
import org.junit.jupiter.api.Test;

/** Selecting streams mode and its settings, from the URI and the adapter options (no server). */
class RedisStreamsConfigTest {

    @Test
    void pubSubIsTheDefault() {
        RedisSyncConfig c = RedisSyncConfig.from(SyncOptions.uri("redis://localhost:6379"));
        assertThat(c.mode()).isEqualTo(Mode.PUBSUB);
        assertThat(c.streamMaxLength()).isEqualTo(100_000);
        assertThat(c.streamMaxAge()).isEqualTo(Duration.ZERO);
    }

    @Test
    void theUriQuerySelectsStreamsModeAndItsSettings() {
        RedisSyncConfig c = RedisSyncConfig.from(SyncOptions.uri(
                "redis://:p%3Fw@localhost:6379/2?timeout=3s&mode=streams&streamMaxLength=500&streamMaxAge=10m"));
        assertThat(c.mode()).isEqualTo(Mode.STREAMS);
        assertThat(c.streamMaxLength()).isEqualTo(500);
        assertThat(c.streamMaxAge()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.toString()).contains("mode=streams", "streamMaxLength=500", "streamMaxAge=10m");
    }

    @Test
    void adapterOptionsSelectItToo() {
        RedisSyncConfig c = RedisSyncConfig.from(SyncOptions.uri("redis://localhost").option("mode", "STREAMS")
                .option("streamMaxLength", "2000").option("streamMaxAge", Duration.ofSeconds(30)));
        assertThat(c.mode()).isEqualTo(Mode.STREAMS);
        assertThat(c.streamMaxLength()).isEqualTo(2000);
        assertThat(c.streamMaxAge()).isEqualTo(Duration.ofSeconds(30));
        assertThat(RedisSyncConfig.from(SyncOptions.uri("redis://localhost").option("mode", Mode.STREAMS)).mode())
                .isEqualTo(Mode.STREAMS);
        assertThat(RedisSyncConfig.from(SyncOptions.uri("redis://localhost?mode=streams").option("mode", "streams")).mode())
                .isEqualTo(Mode.STREAMS);
    }

    @Test
    void wrongValuesAreRefusedClearly() {
        assertThatThrownBy(() -> RedisSyncConfig.from(SyncOptions.uri("redis://localhost?mode=stream")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'mode' must be pubsub or streams, got 'stream'");
        assertThatThrownBy(() -> RedisSyncConfig.from(SyncOptions.uri("redis://localhost?mode=streams").option("mode", "pubsub")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("give it once");
        assertThatThrownBy(() -> RedisSyncConfig.from(SyncOptions.uri("redis://localhost?streamMaxLength=lots")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("streamMaxLength");
        assertThatThrownBy(() -> RedisSyncConfig.builder().streamMaxLength(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("streamMaxLength");
        assertThatThrownBy(() -> RedisSyncConfig.builder().streamMaxAge(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("streamMaxAge");
    }

    @Test
    void streamsModeRefusesGivenPubSubConnectionsAndPubSubRefusesResumeLast() {
        SyncOptions streams = SyncOptions.uri("redis://localhost?mode=streams");
        assertThatThrownBy(() -> RedisSync.adapter(null, null, streams, RedisSyncConfig.from(streams)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("opens its own connections");
        SyncOptions last = SyncOptions.uri("redis://localhost").instanceId("a").resume(SyncOptions.Resume.LAST);
        assertThatThrownBy(() -> RedisSync.adapter(last, RedisSyncConfig.from(last)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resume=LAST").hasMessageContaining("mode=streams");
        // streams mode takes it
        SyncOptions ok = SyncOptions.uri("redis://localhost?mode=streams").instanceId("a").resume(SyncOptions.Resume.LAST);
        org.feathers4j.sync.spi.SyncAdapter adapter = RedisSync.adapter(ok, RedisSyncConfig.from(ok));
        try {
            assertThat(adapter.toString()).startsWith("RedisStreamsAdapter{");
        } finally {
            adapter.close().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join(); // its client and resources
        }
    }

    @Test
    void buildersCarryTheSettings() {
        RedisSyncConfig c = RedisSyncConfig.builder().mode(Mode.STREAMS).streamMaxLength(7).streamMaxAge(Duration.ofHours(1)).build();
        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(c).isNotEqualTo(RedisSyncConfig.create());
    }
}
