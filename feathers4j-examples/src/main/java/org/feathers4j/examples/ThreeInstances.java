package org.feathers4j.examples;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.sync.Sync;

/**
 * Three application instances syncing their events: a message created on one appears as a
 * {@code created} event on all three. By default they share an in-JVM bus ({@code memory://});
 * give a broker URI as the first argument to go through it instead (its adapter module must be on
 * the classpath), e.g. {@code redis://127.0.0.1:6379}.
 */
public final class ThreeInstances {

    private ThreeInstances() {
    }

    /** Runs the example. */
    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? args[0] : "memory://three-instances", System.out);
    }

    /** Runs the example against a sync URI, printing to {@code out}; returns the events seen. */
    public static int run(String uri, PrintStream out) throws Exception {
        List<String> names = List.of("A", "B", "C");
        List<Application> apps = names.stream().map(n -> new Application()).toList();
        CountDownLatch seen = new CountDownLatch(3 * 3);
        for (int i = 0; i < apps.size(); i++) {
            Application app = apps.get(i);
            String name = names.get(i);
            app.use("messages", new MemoryService());
            app.configure(Sync.of(uri));
            app.service("messages").on("created", (message, ctx) -> {
                out.printf("instance %s got 'created' %s (from %s)%n", name, message,
                        ctx.isFromSync() ? "the bus" : "itself");
                seen.countDown();
            });
            app.sync().ready().get(10, TimeUnit.SECONDS);
        }
        out.println("sync type: " + apps.get(0).sync().type() + ", state: " + apps.get(0).sync().state());
        for (int i = 0; i < apps.size(); i++) {
            apps.get(i).service("messages").create(Map.of("text", "hello from " + names.get(i))).join();
        }
        boolean all = seen.await(10, TimeUnit.SECONDS);
        out.println(all ? "every instance saw all 3 messages" : "missing events: " + seen.getCount());
        for (Application app : apps) app.teardown().join();
        return (int) (9 - seen.getCount());
    }
}
