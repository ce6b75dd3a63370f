package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.FailureAssertions.assertFailedVisibly;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.feathers4j.sync.LogCapture;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.feathers4j.SyncState;
import org.feathers4j.sync.spi.SyncAdapter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No silent failure, against the shared Redis: an error from the class path ends in FAILED with the
 * cause logged, and an unreachable Redis is reported periodically while retrying.
 */
@Tag("broker")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisFailureTest {

    /**
     * Lettuce resources whose event loops cannot be made, as when Netty's epoll classes are missing:
     * Lettuce throws from {@code connectAsync} on the adapter's scheduler thread, before any future.
     */
    private static ClientResources resourcesWithoutEventLoops() {
        EventLoopGroupProvider broken = new EventLoopGroupProvider() {
            @Override
            public <T extends EventLoopGroup> T allocate(Class<T> type) {
                throw new NoClassDefFoundError("io/netty/channel/epoll/EpollIoHandler");
            }

            @Override
            public int threadPoolSize() {
                return 1;
            }

            @Override
            public Future<Boolean> release(EventExecutorGroup group, long quiet, long timeout, TimeUnit unit) {
                return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
            }

            @Override
            public Future<Boolean> shutdown(long quiet, long timeout, TimeUnit unit) {
                return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
            }
        };
        return DefaultClientResources.builder().eventLoopGroupProvider(broken).build();
    }

    @Test
    void aMissingClassOnTheSchedulerThreadFailsTheAdapterVisibly() {
        String uri = RedisTestSupport.sharedRedis();
        ClientResources resources = resourcesWithoutEventLoops();
        SyncAdapter adapter = RedisSync.adapter(SyncOptions.uri(uri).key(SyncTestApps.uniqueKey("ncdfe")),
                RedisSyncConfig.builder().clientResources(resources).build());
        try (LogCapture log = LogCapture.start()) {
            var buffered = adapter.publish("{}".getBytes(StandardCharsets.UTF_8));
            adapter.start(m -> { });
            assertFailedVisibly(adapter, NoClassDefFoundError.class, log, Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(2)).until(buffered::isDone); // failed just after the state is set
            assertThat(buffered).isCompletedExceptionally();
            assertThat(adapter.lastError()).hasMessageContaining("Netty 4.1 and 4.2");
        } finally {
            adapter.close().orTimeout(15, TimeUnit.SECONDS).join();
            resources.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUnreachableRedisIsReportedPeriodicallyWithTheLastErrorAndTheBuffer() {
        int port = SyncTestApps.freePort(); // nothing listens there
        SyncAdapter adapter = RedisSync.adapter(SyncOptions.uri("redis://127.0.0.1:" + port)
                .key(SyncTestApps.uniqueKey("warn")).notReadyWarning(Duration.ofMillis(300)), RedisSyncConfig.create());
        try (LogCapture log = LogCapture.start()) {
            adapter.start(m -> { });
            adapter.publish("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
            adapter.publish("{\"a\":2}".getBytes(StandardCharsets.UTF_8));
            // first after 300 ms, then every 900 ms: two within a few seconds, naming the refused connection
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(log.lines("WARN", "redis sync not ready for", "(connecting)", "2 event(s) buffered",
                            "127.0.0.1", "" + port, "Connection refused")).hasSizeGreaterThanOrEqualTo(2));
            assertThat(adapter.state()).isEqualTo(SyncState.CONNECTING); // still retrying: refused is transient
            assertThat(adapter.lastError()).isNotNull();
            assertThat(adapter.ready()).isNotDone();
        } finally {
            adapter.close().orTimeout(15, TimeUnit.SECONDS).join();
        }
    }

    /**
     * The real-world case: Netty 4.1's epoll jars next to Lettuce 7's Netty 4.2, in a JVM of its own.
     * Lettuce sees {@code io.netty.channel.epoll.Epoll} available (the 4.1 native library loads) and
     * asks for Netty 4.2's {@code EpollIoHandler}, which the 4.1 jar lacks.
     */
    @Test
    void netty41EpollJarsOnTheClassPathFailTheAdapterWithNoClassDefFoundError() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"),
                "the Netty 4.1 native epoll jar used here is the linux-x86_64 one");
        String uri = RedisTestSupport.sharedRedis();
        Path jars = Path.of("target", "netty41-epoll");
        List<String> extra = new ArrayList<>();
        try (var files = Files.list(jars)) {
            files.filter(f -> f.toString().endsWith(".jar")).forEach(f -> extra.add(f.toAbsolutePath().toString()));
        }
        assertThat(extra).as("jars copied by the pom into %s", jars).hasSize(2);
        // surefire's own class path is a manifest-only jar; it gives the real one in this property
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                + File.pathSeparator + String.join(File.pathSeparator, extra);
        Path output = Files.createTempFile("mixed-netty", ".log");
        output.toFile().deleteOnExit();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, MixedNettyMain.class.getName(), uri, SyncTestApps.uniqueKey("mixed-netty"))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            assertThat(p.waitFor(40, TimeUnit.SECONDS)).as("child JVM exited").isTrue();
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(output);
        System.out.println(out);
        assertThat(out).contains("STATE=FAILED", "CAUSE=java.lang.NoClassDefFoundError: io/netty/channel/epoll/EpollIoHandler",
                "READY_FAILED=true");
        assertThat(out.lines().filter(l -> l.contains("ERROR") && l.contains("redis sync failed and stopped")
                && l.contains("NoClassDefFoundError: io/netty/channel/epoll/EpollIoHandler"))).hasSize(1);
    }

}
