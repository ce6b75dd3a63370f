package org.feathers4j.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.feathers4j.Futures.ok;

import java.util.List;
import java.util.Map;
import org.feathers4j.AppService;
import org.feathers4j.Application;
import org.feathers4j.Params;
import org.junit.jupiter.api.Test;

/** Pagination of the in-memory service: {total, limit, skip, data}. */
class MemoryPaginationTest {

    private static AppService withTen(MemoryServiceOptions options) {
        AppService s = new Application().use("n", new MemoryService(options)).service("n");
        for (int i = 0; i < 10; i++) ok(s.create(Map.of("i", i)));
        return s;
    }

    private static List<Object> ids(Object page) {
        return ((List<?>) ((Map<?, ?>) page).get("data")).stream()
                .map(r -> ((Map<?, ?>) r).get("id")).map(Object.class::cast).toList();
    }

    @Test
    void noPaginationByDefault() {
        AppService s = withTen(MemoryServiceOptions.defaults());
        assertThat(ok(s.find())).isInstanceOf(List.class).asList().hasSize(10);
    }

    @Test
    void defaultPageSize() {
        AppService s = withTen(MemoryServiceOptions.defaults().withPagination(3, 5));
        Map<?, ?> page = (Map<?, ?>) ok(s.find());
        assertThat(List.<Object>copyOf(page.keySet())).containsExactly("total", "limit", "skip", "data");
        assertThat(page.get("total")).isEqualTo(10);
        assertThat(page.get("limit")).isEqualTo(3);
        assertThat(page.get("skip")).isEqualTo(0);
        assertThat(ids(page)).containsExactly(0L, 1L, 2L);
    }

    @Test
    void limitAndSkipWithinThePage() {
        AppService s = withTen(MemoryServiceOptions.defaults().withPagination(3, 5));
        Map<?, ?> page = (Map<?, ?>) ok(s.find(Params.withQuery(Map.of("$limit", 4, "$skip", 8))));
        assertThat(page.get("total")).isEqualTo(10);
        assertThat(page.get("limit")).isEqualTo(4);
        assertThat(page.get("skip")).isEqualTo(8);
        assertThat(ids(page)).containsExactly(8L, 9L);
    }

    @Test
    void limitIsCappedAtTheMaximum() {
        AppService s = withTen(MemoryServiceOptions.defaults().withPagination(3, 5));
        Map<?, ?> page = (Map<?, ?>) ok(s.find(Params.withQuery(Map.of("$limit", 100))));
        assertThat(page.get("limit")).isEqualTo(5);
        assertThat(ids(page)).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void totalCountsMatchesNotThePage() {
        AppService s = withTen(MemoryServiceOptions.defaults().withPagination(2, 0));
        Map<?, ?> page = (Map<?, ?>) ok(s.find(Params.withQuery(Map.of("i", Map.of("$gte", 5), "$sort", Map.of("i", -1)))));
        assertThat(page.get("total")).isEqualTo(5);
        assertThat(ids(page)).containsExactly(9L, 8L);
    }

    @Test
    void limitZeroGivesOnlyTheTotal() {
        AppService s = withTen(MemoryServiceOptions.defaults().withPagination(3, 5));
        Map<?, ?> page = (Map<?, ?>) ok(s.find(Params.withQuery(Map.of("$limit", 0))));
        assertThat(page.get("total")).isEqualTo(10);
        assertThat(ids(page)).isEmpty();
    }

    @Test
    void paginateFalseInParamsTurnsItOffForOneFind() {
        AppService s = withTen(MemoryServiceOptions.defaults().withPagination(3, 5));
        Object all = ok(s.find(Params.of().set("paginate", false)));
        assertThat(all).isInstanceOf(List.class).asList().hasSize(10);
        Object limited = ok(s.find(Params.withQuery(Map.of("$limit", 7)).set("paginate", false)));
        assertThat(limited).asList().hasSize(7);
        assertThat(ok(s.find())).isInstanceOf(Map.class);
    }
}
