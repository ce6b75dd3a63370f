package org.feathers4j.sync.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers of the Redis Cluster tests: stream key cleanup on the shared cluster, private clusters. */
final class RedisClusterTestSupport {

    private RedisClusterTestSupport() {
    }

    /** Deletes the streams-mode keys ({@code {K}:*}) of these sync keys from the shared cluster. */
    static void deleteStreamKeys(java.util.Collection<String> syncKeys) {
        if (syncKeys.isEmpty()) return;
        RedisClusterClient client = RedisClusterClient.create(RedisURI.create("redis://127.0.0.1:7000"));
        try (var c = client.connect()) {
            for (String k : syncKeys) {
                List<String> names = new ArrayList<>(c.sync().keys("{" + k + "}:*"));
                if (!names.isEmpty()) c.sync().del(names.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    /** The script that starts and stops local clusters (also used by scripts/services.sh). */
    static Path script() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("scripts/redis-cluster.sh"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("scripts/redis-cluster.sh not found above " + Path.of("").toAbsolutePath());
        return p.resolve("scripts/redis-cluster.sh");
    }

    /**
     * A cluster of the test's own: 3 masters + 3 replicas of the distribution's redis-server on six free loopback
     * ports (base..base+5), in a temporary directory; {@link #close()} kills all six and removes the directory.
     */
    static final class PrivateCluster implements AutoCloseable {
        final int base;
        private final Path dir;

        PrivateCluster() throws Exception {
            this.base = freeBase();
            this.dir = Files.createTempDirectory("feathers4j-redis-cluster-");
            run("start");
        }

        String uri() {
            return "redis-cluster://127.0.0.1:" + base + ",127.0.0.1:" + (base + 1) + ",127.0.0.1:" + (base + 2);
        }

        /** redis-cli's answer on one node of this cluster. */
        String cli(int port, String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(30, TimeUnit.SECONDS);
            return out.trim();
        }

        /** The port of the master that owns the slot of {@code key} (a channel or a hash-tagged key). */
        int masterOf(String key) throws Exception {
            int slot = SlotHash.getSlot(key);
            for (String line : liveNodes().split("\n")) {
                String[] f = line.split(" ");
                if (!f[2].contains("master") || f[2].contains("fail")) continue;
                for (int i = 8; i < f.length; i++) {
                    String[] r = f[i].split("-");
                    if (r[0].startsWith("[")) continue;
                    int lo = Integer.parseInt(r[0]);
                    int hi = r.length > 1 ? Integer.parseInt(r[1]) : lo;
                    if (slot >= lo && slot <= hi) return Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
                }
            }
            throw new IllegalStateException("no master owns slot " + slot);
        }

        /** {@code CLUSTER NODES} as the first node that answers sees it (the base node may be the one killed). */
        private String liveNodes() throws Exception {
            for (int port = base; port < base + 6; port++) {
                String nodes = cli(port, "cluster", "nodes");
                if (nodes.contains("myself")) return nodes;
            }
            throw new IllegalStateException("no node of the cluster on " + base + ".." + (base + 5) + " answers");
        }

        /** The node id of the node on {@code port}. */
        String nodeId(int port) throws Exception {
            return cli(port, "cluster", "myid");
        }

        /** Kills the redis-server on {@code port} with SIGKILL (a crash: no goodbye to the cluster). */
        void crash(int port) throws Exception {
            String pid = Files.readString(dir.resolve(port + "/redis.pid")).trim();
            new ProcessBuilder("kill", "-9", pid).start().waitFor(10, TimeUnit.SECONDS);
        }

        /** Waits until a node on another port says the cluster is ok and a master owns the key's slot again. */
        int awaitNewMaster(String key, int deadPort, long millis) throws Exception {
            long end = System.currentTimeMillis() + millis;
            while (System.currentTimeMillis() < end) {
                int probe = deadPort == base ? base + 1 : base;
                if (cli(probe, "cluster", "info").contains("cluster_state:ok")) {
                    try {
                        int m = masterOf(key);
                        if (m != deadPort) return m;
                    } catch (IllegalStateException e) {
                        // the dead master is flagged failing and no replica has taken its slots yet
                    }
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("no new master for '" + key + "' within " + millis + " ms; cluster nodes:\n"
                    + cli(deadPort == base ? base + 1 : base, "cluster", "nodes"));
        }

        private void run(String what) throws Exception {
            Process p = new ProcessBuilder(script().toString(), what, dir.toString(), String.valueOf(base))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("redis-cluster.sh " + what + " failed: " + out);
            }
        }

        @Override
        public void close() throws Exception {
            run("stop");
        }

        /** Six free consecutive ports whose cluster bus ports (+10000) are free too. */
        private static int freeBase() throws IOException {
            for (int attempt = 0; attempt < 50; attempt++) {
                int base = 20000 + (int) (Math.random() * 30000);
                if (allFree(base)) return base;
            }
            throw new IllegalStateException("no six free ports found");
        }

        private static boolean allFree(int base) {
            for (int i = 0; i < 6; i++) {
                for (int port : new int[] {base + i, base + i + 10000}) {
                    if (port > 65535) return false;
                    try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                        s.setReuseAddress(true);
                    } catch (IOException e) {
                        return false;
                    }
                }
            }
            return true;
        }
    }
}
