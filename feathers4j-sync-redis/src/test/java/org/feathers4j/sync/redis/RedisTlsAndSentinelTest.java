package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.SyncTestApps.field;
import static org.feathers4j.sync.SyncTestApps.record;
import static org.feathers4j.sync.redis.RedisTestSupport.app;
import static org.feathers4j.sync.redis.RedisTestSupport.closeAll;
import static org.feathers4j.sync.SyncTestApps.freePort;
import static org.feathers4j.sync.SyncTestApps.uniqueKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.redis.RedisTestSupport.PrivateRedis;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TLS misconfiguration and Sentinel URIs, against private redis-server processes. */
@Tag("broker")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisTlsAndSentinelTest {

    private PrivateRedis redis;
    private PrivateRedis sentinel;
    private Application a;
    private Application b;

    @AfterEach
    void tearDown() {
        closeAll(a, b);
        if (sentinel != null) sentinel.close();
        if (redis != null) redis.close();
    }

    @Test
    void tlsToAPlainPortFailsReadyClearly() {
        redis = new PrivateRedis(freePort()).start();
        a = app(SyncOptions.uri("rediss://127.0.0.1:" + redis.port).key(uniqueKey("tls"))
                .option("connectTimeout", Duration.ofSeconds(2)).option("commandTimeout", Duration.ofSeconds(2)));
        Throwable error = a.sync().ready().handle((v, e) -> e).orTimeout(40, TimeUnit.SECONDS).join();
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        assertThat(cause).isInstanceOf(SyncException.class).hasMessageContaining("TLS");
        assertThat(((SyncException) cause).reason()).isEqualTo(SyncException.Reason.TLS);
        assertThat(a.sync().state()).isEqualTo(SyncState.FAILED);
    }

    /** A self-signed certificate for 127.0.0.1 made with openssl: {cert, key}. */
    private static Path[] selfSignedCertificate(Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p;
        try {
            p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                    "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost").redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("openssl is needed to make the TLS test's certificate: " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl: %s", out).isZero();
        return new Path[] {cert, key};
    }

    @Test
    void tlsWithATrustedCertificateSyncsAndAnUntrustedOneFailsReady() throws Exception {
        Path dir = Files.createTempDirectory("feathers4j-tls-");
        Path[] pem = selfSignedCertificate(dir);
        int port = freePort();
        redis = new PrivateRedis(port, "--port", "0", "--tls-port", String.valueOf(port), "--tls-cert-file", pem[0].toString(),
                "--tls-key-file", pem[1].toString(), "--tls-ca-cert-file", pem[0].toString(), "--tls-auth-clients", "no").start();
        String key = uniqueKey("tls");
        java.util.function.Consumer<io.lettuce.core.ClientOptions.Builder> trust = o -> o.sslOptions(
                io.lettuce.core.SslOptions.builder().jdkSslProvider().trustManager(pem[0].toFile()).build());
        a = app(SyncOptions.uri("rediss://127.0.0.1:" + port).key(key).option("clientOptions", trust));
        b = app(SyncOptions.uri("rediss://127.0.0.1:" + port).key(key)); // trusts only the JDK's CAs
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        List<Received> ra = record(a);
        a.service("messages").create(Map.of("text", "over tls")).join();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(field(ra, "text")).containsExactly("over tls"));

        Throwable error = b.sync().ready().handle((v, e) -> e).orTimeout(20, TimeUnit.SECONDS).join();
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        assertThat(cause).isInstanceOf(SyncException.class);
        assertThat(((SyncException) cause).reason()).isEqualTo(SyncException.Reason.TLS);
        assertThat(b.sync().state()).isEqualTo(SyncState.FAILED);
        assertThat(cause).hasCauseInstanceOf(io.lettuce.core.RedisConnectionException.class);
        assertThat(cause.getMessage()).containsIgnoringCase("certification path");
        for (Path f : pem) Files.deleteIfExists(f);
        Files.deleteIfExists(dir);
    }

    @Test
    void aSentinelUriFindsTheMaster() throws Exception {
        redis = new PrivateRedis(freePort()).start();
        int sentinelPort = freePort();
        Path conf = Files.createTempFile("feathers4j-sentinel-", ".conf");
        Files.writeString(conf, "port " + sentinelPort + "\nbind 127.0.0.1\n"
                + "sentinel monitor feathers4j 127.0.0.1 " + redis.port + " 1\n");
        sentinel = new PrivateRedis(sentinelPort, conf.toString(), "--sentinel").start();
        String key = uniqueKey("sentinel");
        a = app(SyncOptions.uri("redis+sentinel://127.0.0.1:" + sentinelPort + "#feathers4j").key(key));
        b = app(SyncOptions.uri("redis-sentinel://127.0.0.1:" + sentinelPort + "#feathers4j").key(key));
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        List<Received> rb = record(b);
        a.service("messages").create(Map.of("text", "via sentinel")).join();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(field(rb, "text")).containsExactly("via sentinel"));
        Files.deleteIfExists(conf);
    }
}
