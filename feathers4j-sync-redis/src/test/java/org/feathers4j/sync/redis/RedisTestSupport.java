package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.fail;

import static org.feathers4j.sync.SyncTestApps.portOpen;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;

/** The shared Redis, private redis-server processes and app helpers for the Redis tests. */
final class RedisTestSupport {

    /** The shared Redis; override with FEATHERS4J_REDIS_URI. */
    static final String REDIS_URI = System.getenv().getOrDefault("FEATHERS4J_REDIS_URI", "redis://127.0.0.1:6379");

    private RedisTestSupport() {
    }

    /** Fails the test with a clear message when the shared Redis is not reachable. */
    static String sharedRedis() {
        io.lettuce.core.RedisURI u = io.lettuce.core.RedisURI.create(REDIS_URI);
        if (!portOpen(u.getHost(), u.getPort())) {
            fail("no Redis at " + SyncOptions.redact(REDIS_URI) + ": start one (scripts/services.sh redis) or set "
                    + "FEATHERS4J_REDIS_URI");
        }
        return REDIS_URI;
    }

    /** The shared Redis Cluster (scripts/services.sh redis-cluster); override with FEATHERS4J_REDIS_CLUSTER_URI. */
    static final String CLUSTER_URI = System.getenv().getOrDefault("FEATHERS4J_REDIS_CLUSTER_URI",
            "redis-cluster://127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002");

    /** Fails the test with a clear message when the shared cluster is not reachable. */
    static String sharedCluster() {
        if (!portOpen("127.0.0.1", 7000) && CLUSTER_URI.contains("127.0.0.1:7000")) {
            fail("no Redis Cluster at " + SyncOptions.redact(CLUSTER_URI) + ": start one (scripts/services.sh "
                    + "redis-cluster) or set FEATHERS4J_REDIS_CLUSTER_URI");
        }
        return CLUSTER_URI;
    }

    /** An app with a memory "messages" service synced through Redis on this key. */
    static Application app(String uri, String key) {
        return app(SyncOptions.uri(uri).key(key));
    }

    static Application app(SyncOptions options) {
        Application app = SyncTestApps.app();
        app.configure(Sync.of(options));
        return app;
    }

    /** A redis-server of a test's own, on 127.0.0.1 and a free port, that can be killed and started again. */
    static final class PrivateRedis implements AutoCloseable {
        final int port;
        private final String[] extra;
        private final Path dir;
        private Process process;

        PrivateRedis(int port, String... extraArgs) {
            this.port = port;
            this.extra = extraArgs;
            try {
                this.dir = Files.createTempDirectory("feathers4j-redis-");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        String uri() {
            return "redis://127.0.0.1:" + port;
        }

        PrivateRedis start() {
            List<String> cmd = new ArrayList<>();
            cmd.add(redisServer());
            if (extra.length > 0 && extra[0].endsWith(".conf")) { // a config file must come first
                cmd.addAll(List.of(extra));
                cmd.addAll(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir", dir.toString()));
            } else {
                cmd.addAll(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--dir", dir.toString()));
                cmd.addAll(List.of(extra));
            }
            try {
                process = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("redis.log").toFile()).start();
            } catch (IOException e) {
                fail("cannot start redis-server: " + e.getMessage());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!portOpen("127.0.0.1", port)) {
                if (!process.isAlive()) fail("private redis-server on port " + port + " exited: " + log());
                if (System.nanoTime() > deadline) fail("private redis-server did not open port " + port + ": " + log());
                sleep(20);
            }
            return this;
        }

        /** Kills the server (SIGKILL: no goodbye to clients) and waits until it is gone. */
        void kill() {
            if (process == null) return;
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }

        private String log() {
            try {
                return Files.readString(dir.resolve("redis.log"));
            } catch (IOException e) {
                return "(no log)";
            }
        }

        @Override
        public void close() {
            kill();
            File[] files = dir.toFile().listFiles();
            if (files != null) for (File f : files) f.delete();
            dir.toFile().delete();
        }

        private static String redisServer() {
            for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                File f = new File(p, "redis-server");
                if (f.canExecute()) return f.getPath();
            }
            fail("redis-server is not installed (needed for the tests that restart a private Redis): "
                    + "run scripts/services.sh redis, or apt-get install redis-server");
            return null;
        }
    }

    /** The shared Redis's port. */
    static int port() {
        return io.lettuce.core.RedisURI.create(sharedRedis()).getPort();
    }

    /** Deletes the stream and cursor keys of these sync keys on the shared Redis (streams mode tests). */
    static void deleteStreamKeys(java.util.Collection<String> syncKeys) {
        if (syncKeys.isEmpty()) return;
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(REDIS_URI);
        try (var c = client.connect()) {
            for (String k : syncKeys) {
                List<String> names = new ArrayList<>(c.sync().keys("{" + k + "}:*"));
                if (!names.isEmpty()) c.sync().del(names.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void closeAll(Application... apps) {
        for (Application a : apps) {
            if (a != null && a.hasSync()) {
                try {
                    a.sync().close().get(15, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // reported by the test if it matters
                }
            }
        }
    }
}
