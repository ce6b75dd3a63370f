package org.feathers4j.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.feathers4j.Futures.ok;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.feathers4j.AppService;
import org.feathers4j.Application;
import org.feathers4j.Params;
import org.junit.jupiter.api.Test;

/** The in-memory service under concurrent use. */
class MemoryServiceConcurrencyTest {

    @Test
    void concurrentCreatesGetDistinctIds() throws Exception {
        AppService s = new Application().use("n", new MemoryService()).service("n");
        int threads = 8;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<List<Object>>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                tasks.add(() -> {
                    List<Object> ids = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        Map<?, ?> created = (Map<?, ?>) s.create(Map.of("thread", thread, "i", i)).join();
                        ids.add(created.get("id"));
                        if (i % 50 == 0) s.find(Params.withQuery(Map.of("thread", thread))).join();
                    }
                    return ids;
                });
            }
            Set<Object> all = new HashSet<>();
            for (Future<List<Object>> f : pool.invokeAll(tasks)) all.addAll(f.get());

            assertThat(all).hasSize(threads * perThread);
            assertThat(all).allSatisfy(id -> assertThat((Long) id).isBetween(0L, (long) threads * perThread - 1));
            assertThat((List<?>) ok(s.find())).hasSize(threads * perThread);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentPatchesOfDifferentFieldsAreAllKept() throws Exception {
        AppService s = new Application().use("n", new MemoryService()).service("n");
        ok(s.create(Map.of()));
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Object>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String field = "f" + t;
                tasks.add(() -> s.patch(0L, Map.of(field, true)).join());
            }
            for (Future<Object> f : pool.invokeAll(tasks)) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat((Map<?, ?>) ok(s.get(0L))).hasSize(threads + 1);
    }
}
