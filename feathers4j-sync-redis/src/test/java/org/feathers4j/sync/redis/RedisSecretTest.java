package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.feathers4j.SyncState;
import org.feathers4j.sync.LogCapture;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.feathers4j.sync.spi.SyncAdapter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15, finding 7: a Redis password holding {@code /} and {@code @} (and {@code :}, {@code #}, {@code ?})
 * appears in no log line and no {@code lastError()} message, neither through our messages nor through
 * Lettuce's, whether the server is unreachable or refuses the password.
 */
@Tag("broker")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisSecretTest {

    /** Every piece of the password between its special characters; none may show anywhere. */
    private static final String[] PIECES = {"Kq7s3cr", "Zt9et", "Wp4ss", "Hj2pw", "Rx5zz", "Ty8qq"};
    private static final String PASSWORD = "Kq7s3cr/Zt9et@Wp4ss:Hj2pw#Rx5zz?Ty8qq";

    @Test
    void unreachableServer() {
        int port = SyncTestApps.freePort(); // nothing listens there
        check("redis://:" + PASSWORD + "@127.0.0.1:" + port, SyncState.CONNECTING);
    }

    @Test
    void realRedisRefusingThePassword() {
        // a redis-server of the test's own: the shared one has no password, so it accepts any (HELLO AUTH default)
        try (RedisTestSupport.PrivateRedis redis = new RedisTestSupport.PrivateRedis(SyncTestApps.freePort(),
                "--requirepass", "the-right-one").start()) {
            check("redis://:" + PASSWORD + "@127.0.0.1:" + redis.port, SyncState.FAILED);
        }
    }

    private static void check(String uri, SyncState expected) {
        SyncAdapter adapter = RedisSync.adapter(SyncOptions.uri(uri).key(SyncTestApps.uniqueKey("secret"))
                .notReadyWarning(Duration.ofMillis(200)), RedisSyncConfig.create());
        try (LogCapture log = LogCapture.start()) {
            adapter.start(m -> { });
            adapter.publish("{}".getBytes(StandardCharsets.UTF_8));
            // a few attempts and warnings, or the failure, so every message with the URI was written
            await().atMost(Duration.ofSeconds(20)).until(() -> adapter.state() == expected && adapter.lastError() != null
                    && !log.lines("redis sync").isEmpty() && (expected == SyncState.FAILED || !log.lines("not ready for").isEmpty()));
            List<String> texts = new ArrayList<>();
            texts.add(log.text());
            texts.add(adapter.toString());
            for (Throwable t = adapter.lastError(); t != null; t = t.getCause() == t ? null : t.getCause()) {
                texts.add(String.valueOf(t.getMessage()));
                texts.add(t.toString());
            }
            for (String text : texts) {
                for (String piece : PIECES) assertThat(text).as("a piece of the password").doesNotContain(piece);
            }
            assertThat(log.text()).contains("127.0.0.1"); // the server is still named
            if (expected == SyncState.FAILED) assertThat(adapter.lastError()).hasMessageContaining("WRONGPASS");
        } finally {
            adapter.close().orTimeout(15, TimeUnit.SECONDS).join();
        }
    }
}
