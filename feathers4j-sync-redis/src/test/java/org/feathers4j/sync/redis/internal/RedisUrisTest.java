package org.feathers4j.sync.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

/** Sync URIs to Lettuce URIs; no server needed. */
class RedisUrisTest {

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
}
