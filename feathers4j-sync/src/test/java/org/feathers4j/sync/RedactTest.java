package org.feathers4j.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link SyncOptions#redact}: URIs whose passwords hold the characters that broke the old regex. */
class RedactTest {

    static Stream<Arguments> uris() {
        return Stream.of(
                // uri, expected, the secret parts that must not appear
                Arguments.of("amqp://guest:secret@host:5672/vh", "amqp://guest:***@host:5672/vh", new String[]{"secret"}),
                Arguments.of("nats://s3cr3t-token@host:4222", "nats://***@host:4222", new String[]{"s3cr3t"}),
                Arguments.of("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0", new String[]{}),
                Arguments.of("redis://:s3cr/et@127.0.0.1:6390", "redis://:***@127.0.0.1:6390", new String[]{"s3cr", "et@"}),
                Arguments.of("redis://:pa/ss@word@127.0.0.1:6390/0", "redis://:***@127.0.0.1:6390/0", new String[]{"pa/", "ss", "word"}),
                Arguments.of("redis://user:p@ss@h:1", "redis://user:***@h:1", new String[]{"p@", "ss"}),
                Arguments.of("redis://user:a:b:c@h", "redis://user:***@h", new String[]{"a:b", "b:c"}),
                Arguments.of("redis://:p#w?x@127.0.0.1:6390", "redis://:***@127.0.0.1:6390", new String[]{"p#", "w?x"}),
                Arguments.of("redis://:p%2Fw%40x@h:6379", "redis://:***@h:6379", new String[]{"p%2F", "w%40x"}),
                Arguments.of("redis://bare/tok@en@h", "redis://***@h", new String[]{"bare", "tok", "en@"}),
                Arguments.of("redis-sentinel://pw@h1,h2/0#m", "redis-sentinel://***@h1,h2/0#m", new String[]{"pw"}),
                Arguments.of("redis+sentinel://:p/w@h1:26379,h2:26379/0#m", "redis+sentinel://:***@h1:26379,h2:26379/0#m", new String[]{"p/w"}),
                Arguments.of("nats://u:p1@h1,u:p2@h2", "nats://u:***@h1,u:***@h2", new String[]{"p1", "p2"}),
                Arguments.of("nats://tok1@h1:4222,tok2@h2:4222", "nats://***@h1:4222,***@h2:4222", new String[]{"tok1", "tok2"}),
                Arguments.of("nats://u:p,q@h1", "nats://u:***@h1", new String[]{"p,q"}),
                Arguments.of("nats://u:x@y/z,w@h1", "nats://u:***@h1", new String[]{"x@y", "z,w"}),
                Arguments.of("mongodb://u:p@ss@h1,h2,h3/db?replicaSet=rs", "mongodb://u:***@h1,h2,h3/db?replicaSet=rs", new String[]{"p@", "ss"}),
                // not parseable as scheme://: everything up to the last '@' goes
                Arguments.of("redis:user:pw@host", "***@host", new String[]{"user", "pw"}),
                Arguments.of("user:pw@host", "***@host", new String[]{"user", "pw"}),
                Arguments.of("//u:p@h", "***@h", new String[]{"u:p"}),
                Arguments.of("", "", new String[]{}));
    }

    @ParameterizedTest
    @MethodSource("uris")
    void masksEverySecret(String uri, String expected, String[] secrets) {
        String r = SyncOptions.redact(uri);
        assertThat(r).isEqualTo(expected);
        for (String s : secrets) assertThat(r).doesNotContain(s);
    }

    @org.junit.jupiter.api.Test
    void nullStaysNull() {
        assertThat(SyncOptions.redact(null)).isNull();
    }

    @org.junit.jupiter.api.Test
    void optionsAndMalformedUriErrorsHideThePassword() {
        SyncOptions o = SyncOptions.uri("redis://:s3cr/et@127.0.0.1:6390");
        assertThat(o.toString()).doesNotContain("s3cr").doesNotContain("et@");
        try {
            SyncOptions.uri("redis://:s3 cr/et@h").parsedUri();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).doesNotContain("s3").doesNotContain("cr/et");
        }
    }
}
