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

    @Test
    void aPasswordWithSlashAtHashQuestionMarkOrPercentReachesLettuceWholeAndTheHostStaysTheHost() {
        RedisURI u = RedisUris.parse("redis://:Kq7/Zt9@Wp4:Hj2#Rx5?Ty8%zz@127.0.0.1:6390/2");
        assertThat(u.getHost()).isEqualTo("127.0.0.1");
        assertThat(u.getPort()).isEqualTo(6390);
        assertThat(u.getDatabase()).isEqualTo(2);
        assertThat(u.getCredentialsProvider().resolveCredentials().block().getPassword())
                .isEqualTo("Kq7/Zt9@Wp4:Hj2#Rx5?Ty8%zz".toCharArray());
        // an escape already written stays one escape
        assertThat(RedisUris.parse("redis://:p%2Fw@h:6379").getCredentialsProvider().resolveCredentials().block()
                .getPassword()).isEqualTo("p/w".toCharArray());
        assertThat(RedisUris.parse("redis://user:p/w@h:6379/1").getCredentialsProvider().resolveCredentials().block()
                .getUsername()).isEqualTo("user");
        assertThat(RedisUris.parse("redis+sentinel://:p/w@s1:26379,s2:26380/3#mymaster").getSentinels())
                .extracting(RedisURI::getHost).containsExactly("s1", "s2");
    }

    @Test
    void anInvalidUriNamesNeitherPartOfThePasswordNorCarriesLettucesMessage() {
        assertThatThrownBy(() -> RedisUris.parse("redis://:Kq7s3cr@127.0.0.1:6379/notadb"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid Redis URI").hasMessageNotContaining("Kq7s3cr")
                .hasNoCause();
    }

    @Test
    void clusterUrisListTheSeedsWithTheirCredentialsAndWithoutTheAdaptersOwnParameters() {
        var seeds = RedisUris.parseCluster("redis-cluster://user:p/w@h1:7000,h2:7001,h3?mode=streams&sharded=false&timeout=3s");
        assertThat(seeds).extracting(RedisURI::getHost).containsExactly("h1", "h2", "h3");
        assertThat(seeds).extracting(RedisURI::getPort).containsExactly(7000, 7001, 6379);
        assertThat(seeds).allMatch(u -> !u.isSsl() && u.getTimeout().getSeconds() == 3);
        assertThat(seeds.get(1).getCredentialsProvider().resolveCredentials().block().getPassword())
                .isEqualTo("p/w".toCharArray());
        assertThat(RedisUris.parseCluster("rediss-cluster://h1:7000")).allMatch(RedisURI::isSsl);
        assertThat(ClusterClients.isClusterUri(" REDIS-CLUSTER://h:7000")).isTrue();
        assertThat(ClusterClients.isClusterUri("redis://h:7000")).isFalse();
    }

    @Test
    void aClusterUriWhereOneRedisIsExpectedAndTheReverseFailClearly() {
        assertThatThrownBy(() -> RedisUris.parse("redis-cluster://h1:7000,h2:7001"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RedisClusterClient");
        assertThatThrownBy(() -> RedisUris.parseCluster("redis://h1:7000"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a cluster URI");
        assertThatThrownBy(() -> RedisUris.parseCluster("redis-cluster://:Kq7s3cr@"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("Kq7s3cr");
    }
}
