package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.feathers4j.sync.SyncTestApps.freePort;
import static org.feathers4j.sync.SyncTestApps.uniqueKey;
import static org.feathers4j.sync.redis.RedisTestSupport.closeAll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.feathers4j.Application;
import org.feathers4j.sync.DeliveryCheck;
import org.feathers4j.sync.DeliveryCheck.Recorder;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.feathers4j.sync.redis.RedisTestSupport.PrivateRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Streams mode over TLS and through a Sentinel, on private redis-server processes. */
@Tag("broker")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisStreamsTlsAndSentinelTest {

    private PrivateRedis redis;
    private PrivateRedis sentinel;
    private Application a;
    private Application b;
    private Application b2;

    @AfterEach
    void tearDown() {
        closeAll(a, b, b2);
        if (sentinel != null) sentinel.close();
        if (redis != null) redis.close();
    }

    /** A sends 1..10, B (resume=LAST) stops, A sends 11..20, B restarts: B gets 11..20 once, in order. */
    private void resumesAfterARestart(String uri, UnaryOperator<SyncOptions> tweak) {
        String key = uniqueKey("streams-tls-sentinel");
        a = app(tweak.apply(RedisStreamsTest.streams(uri, key, "sender")));
        b = app(tweak.apply(RedisStreamsTest.streams(uri, key, "receiver").resume(SyncOptions.Resume.LAST)));
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        Recorder atB = DeliveryCheck.record(b);
        create(1, 10);
        atB.awaitLast("a", 10, Duration.ofSeconds(10));
        closeAll(b);
        create(11, 20);
        b2 = app(tweak.apply(RedisStreamsTest.streams(uri, key, "receiver").resume(SyncOptions.Resume.LAST)));
        Recorder atB2 = DeliveryCheck.record(b2);
        atB2.awaitLast("a", 20, Duration.ofSeconds(15));
        assertThat(atB.received("a")).hasSize(10);
        assertThat(atB2.received("a")).containsExactly(11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
        assertThat(atB2.gaps()).isEmpty();
    }

    private void create(long from, long to) {
        for (long n = from; n <= to; n++) a.service("messages").create(Map.of("from", "a", "n", n)).join();
    }

    private static Application app(SyncOptions options) {
        Application app = SyncTestApps.app();
        app.configure(Sync.of(options));
        return app;
    }

    @Test
    void overTls() throws Exception {
        Path dir = Files.createTempDirectory("feathers4j-tls-");
        Path cert = dir.resolve("cert.pem");
        Path pemKey = dir.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", pemKey.toString(),
                "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int port = freePort();
        redis = new PrivateRedis(port, "--port", "0", "--tls-port", String.valueOf(port), "--tls-cert-file", cert.toString(),
                "--tls-key-file", pemKey.toString(), "--tls-ca-cert-file", cert.toString(), "--tls-auth-clients", "no").start();
        java.util.function.Consumer<io.lettuce.core.ClientOptions.Builder> trust = o -> o.sslOptions(
                io.lettuce.core.SslOptions.builder().jdkSslProvider().trustManager(cert.toFile()).build());
        resumesAfterARestart("rediss://127.0.0.1:" + port, o -> o.option("clientOptions", trust));
        Files.deleteIfExists(cert);
        Files.deleteIfExists(pemKey);
        Files.deleteIfExists(dir);
    }

    @Test
    void throughASentinel() throws Exception {
        redis = new PrivateRedis(freePort()).start();
        int sentinelPort = freePort();
        Path conf = Files.createTempFile("feathers4j-sentinel-", ".conf");
        Files.writeString(conf, "port " + sentinelPort + "\nbind 127.0.0.1\n"
                + "sentinel monitor feathers4j 127.0.0.1 " + redis.port + " 1\n");
        sentinel = new PrivateRedis(sentinelPort, conf.toString(), "--sentinel").start();
        // the mode in the query, before the master name: removed before Lettuce reads the URI
        resumesAfterARestart("redis+sentinel://127.0.0.1:" + sentinelPort + "?mode=streams#feathers4j", o -> o);
        Files.deleteIfExists(conf);
    }
}
