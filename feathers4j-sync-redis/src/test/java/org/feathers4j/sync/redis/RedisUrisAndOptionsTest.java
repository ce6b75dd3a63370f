package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.redis.internal.RedisUris;
import org.junit.jupiter.api.Test;

/** URI schemes and options; no server needed. */
class RedisUrisAndOptionsTest {

    @Test
    void theProviderServesTheRedisSchemes() {
        for (String u : new String[] {"redis://h:1", "rediss://h:1", "redis-sentinel://h:26379#m",
                "redis+sentinel://h:26379#m", "rediss+sentinel://h:26379#m"}) {
            assertThat(Sync.provider(SyncOptions.uri(u))).isInstanceOf(RedisSyncAdapterProvider.class);
        }
    }

    @Test
    void sentinelUrisListTheSentinelsAndTheMaster() {
        RedisURI u = RedisUris.parse("redis+sentinel://:secret@s1:26379,s2:26380/3#mymaster");
        assertThat(u.getSentinels()).extracting(RedisURI::getHost).containsExactly("s1", "s2");
        assertThat(u.getSentinels()).extracting(RedisURI::getPort).containsExactly(26379, 26380);
        assertThat(u.getSentinelMasterId()).isEqualTo("mymaster");
        assertThat(u.getDatabase()).isEqualTo(3);
        assertThat(RedisUris.parse("rediss://:pw@h:6380/2").isSsl()).isTrue();
    }

    @Test
    void badUrisFailClearlyWithoutThePassword() {
        assertThatThrownBy(() -> RedisUris.parse("http://h"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheme 'http'");
        assertThatThrownBy(() -> RedisUris.parse("redis-sentinel://:topsecret@h:26379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid Redis URI").hasMessageNotContaining("topsecret");
    }

    @Test
    void configDefaultsAndAdapterOptions() {
        RedisSyncConfig d = RedisSyncConfig.defaults();
        assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.commandTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.retryDelayMin()).isEqualTo(Duration.ofMillis(100));
        assertThat(d.retryDelayMax()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.clientName()).isEqualTo("feathers4j-sync");
        RedisSyncConfig c = RedisSyncConfig.from(new SyncOptions()
                .option(RedisSyncConfig.OPTION, RedisSyncConfig.defaults().clientName("x"))
                .option("connectTimeout", 1500).option("retryDelayMax", "PT2S"));
        assertThat(c.clientName()).isEqualTo("x");
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.retryDelayMax()).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> RedisSyncConfig.from(new SyncOptions().option("commandTimeout", "soon")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commandTimeout");
    }
}
