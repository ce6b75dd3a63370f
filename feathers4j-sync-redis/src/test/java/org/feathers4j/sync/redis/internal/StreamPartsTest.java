package org.feathers4j.sync.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The URI rewrite, the entry id order and the key names of streams mode (no server). */
class StreamPartsTest {

    @Test
    void theAdaptersOwnParametersNeverReachLettuce() {
        assertThat(RedisUris.withoutOwnParameters("://h:6379?mode=streams")).isEqualTo("://h:6379");
        assertThat(RedisUris.withoutOwnParameters("://h:6379/1?timeout=3s&mode=streams&streamMaxLength=5&clientName=x#m"))
                .isEqualTo("://h:6379/1?timeout=3s&clientName=x#m");
        assertThat(RedisUris.withoutOwnParameters("://:a?mode=b@h?mode=streams")).isEqualTo("://:a?mode=b@h");
        assertThat(RedisUris.parse("redis://localhost:6380/3?mode=streams&timeout=7s").toString())
                .doesNotContain("mode").contains("6380");
        assertThat(RedisUris.parse("redis://localhost:6380/3?mode=streams&timeout=7s").getTimeout().getSeconds()).isEqualTo(7);
    }

    @Test
    void entryIdsCompareAsNumbers() {
        assertThat(StreamId.compare("10-0", "9-5")).isPositive();
        assertThat(StreamId.compare("9-10", "9-9")).isPositive();
        assertThat(StreamId.compare("0-0", StreamId.ZERO)).isZero();
        assertThat(StreamId.compare("18446744073709551615-0", "1-0")).isPositive();
        assertThatThrownBy(() -> StreamId.compare("x", "1-0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void allKeysOfOneSyncKeyShareAHashTag() {
        assertThat(StreamKeys.streamName("chat")).isEqualTo("{chat}:stream");
        assertThat(StreamKeys.cursorName("chat", "api-1")).isEqualTo("{chat}:cursor:api-1");
    }
}
