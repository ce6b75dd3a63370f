package org.feathers4j.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.feathers4j.Futures.failure;
import static org.feathers4j.Futures.ok;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.feathers4j.AppService;
import org.feathers4j.Application;
import org.feathers4j.Method;
import org.feathers4j.Params;
import org.feathers4j.errors.BadRequest;
import org.feathers4j.errors.FeathersError;
import org.feathers4j.errors.MethodNotAllowed;
import org.feathers4j.errors.NotFound;
import org.junit.jupiter.api.Test;

/** CRUD, ids, errors and multi operations of the in-memory service. */
class MemoryServiceTest {

    private static AppService service(MemoryServiceOptions options) {
        return new Application().use("items", new MemoryService(options)).service("items");
    }

    private static AppService service() {
        return service(MemoryServiceOptions.defaults());
    }

    private static Params query(Map<String, ?> query) {
        return Params.withQuery(query);
    }

    @Test
    void offersAllSixMethods() {
        assertThat(service().methods()).containsExactlyInAnyOrder(Method.values());
    }

    @Test
    void crud() {
        AppService s = service();
        assertThat(ok(s.create(Map.of("text", "hello")))).isEqualTo(Map.of("id", 0L, "text", "hello"));
        assertThat(ok(s.create(Map.of("text", "world")))).isEqualTo(Map.of("id", 1L, "text", "world"));
        assertThat(ok(s.get(0L))).isEqualTo(Map.of("id", 0L, "text", "hello"));
        assertThat(ok(s.find())).isEqualTo(List.of(
                Map.of("id", 0L, "text", "hello"), Map.of("id", 1L, "text", "world")));

        assertThat(ok(s.update(0L, Map.of("title", "replaced")))).isEqualTo(Map.of("id", 0L, "title", "replaced"));
        assertThat(ok(s.patch(1L, Map.of("read", true)))).isEqualTo(Map.of("id", 1L, "text", "world", "read", true));
        assertThat(ok(s.remove(0L))).isEqualTo(Map.of("id", 0L, "title", "replaced"));

        assertThat(ok(s.find())).isEqualTo(List.of(Map.of("id", 1L, "text", "world", "read", true)));
    }

    @Test
    void generatedIdsStartAtZeroUnlessConfigured() {
        AppService s = service();
        assertThat(ok(s.create(Map.of()))).isEqualTo(Map.of("id", 0L));
        AppService fromHundred = service(MemoryServiceOptions.defaults().withStartId(100));
        assertThat(ok(fromHundred.create(Map.of()))).isEqualTo(Map.of("id", 100L));
        assertThat(ok(fromHundred.create(Map.of()))).isEqualTo(Map.of("id", 101L));
    }

    @Test
    void dataMayBringItsOwnId() {
        AppService s = service();
        assertThat(ok(s.create(Map.of("id", "abc", "x", 1)))).isEqualTo(Map.of("id", "abc", "x", 1));
        assertThat(ok(s.get("abc"))).isEqualTo(Map.of("id", "abc", "x", 1));
        assertThat(ok(s.create(Map.of("x", 2)))).isEqualTo(Map.of("id", 0L, "x", 2));
    }

    @Test
    void customIdField() {
        AppService s = service(MemoryServiceOptions.defaults().withIdField("_id"));
        assertThat(ok(s.create(Map.of("a", 1)))).isEqualTo(Map.of("_id", 0L, "a", 1));
        assertThat(ok(s.get(0))).isEqualTo(Map.of("_id", 0L, "a", 1));
        assertThat(ok(s.update(0, Map.of("_id", 99, "b", 2)))).isEqualTo(Map.of("_id", 0L, "b", 2));
    }

    @Test
    void idsMatchWhateverTheirJavaType() {
        AppService s = service();
        ok(s.create(Map.of("n", 0)));
        ok(s.create(Map.of("n", 1)));
        Map<String, Object> one = Map.of("id", 1L, "n", 1);
        assertThat(ok(s.get("1"))).isEqualTo(one);
        assertThat(ok(s.get(1))).isEqualTo(one);
        assertThat(ok(s.get(1L))).isEqualTo(one);
        assertThat(ok(s.get((short) 1))).isEqualTo(one);
        assertThat(ok(s.get(1.0))).isEqualTo(one);
        assertThat(ok(s.get(new java.math.BigDecimal("1")))).isEqualTo(one);
        assertThat(failure(s.get(1.5))).isInstanceOf(NotFound.class);
        assertThat(failure(s.get(new java.math.BigDecimal("1.5")))).isInstanceOf(NotFound.class);
    }

    @Test
    void notFoundMessages() {
        AppService s = service();
        for (FeathersError e : List.of(failure(s.get(7)), failure(s.update(7, Map.of())),
                failure(s.patch(7, Map.of())), failure(s.remove(7)))) {
            assertThat(e).isInstanceOf(NotFound.class).hasMessage("No record found for id '7'");
            assertThat(e.code()).isEqualTo(404);
        }
    }

    @Test
    void idMustAlsoMatchTheQuery() {
        AppService s = service();
        ok(s.create(Map.of("owner", "ann")));
        assertThat(ok(s.get(0, query(Map.of("owner", "ann"))))).isEqualTo(Map.of("id", 0L, "owner", "ann"));
        assertThat(failure(s.get(0, query(Map.of("owner", "bob")))))
                .isInstanceOf(NotFound.class).hasMessage("No record found for id '0'");
        assertThat(failure(s.patch(0, Map.of("x", 1), query(Map.of("owner", "bob"))))).isInstanceOf(NotFound.class);
        assertThat(failure(s.remove(0, query(Map.of("owner", "bob"))))).isInstanceOf(NotFound.class);
        assertThat(ok(s.get(0))).isEqualTo(Map.of("id", 0L, "owner", "ann"));
    }

    @Test
    void updateWithNullIdIsBadRequest() {
        AppService s = service(MemoryServiceOptions.defaults().withMulti(true));
        FeathersError e = failure(s.update(null, Map.of("a", 1)));
        assertThat(e).isInstanceOf(BadRequest.class)
                .hasMessage("You can not replace multiple instances. Did you mean 'patch'?");
    }

    @Test
    void updateAndPatchKeepTheStoredId() {
        AppService s = service();
        ok(s.create(Map.of("a", 1)));
        assertThat(ok(s.update("0", Map.of("id", 5L, "b", 2)))).isEqualTo(Map.of("id", 0L, "b", 2));
        assertThat(ok(s.patch(0, Map.of("id", 6L, "c", 3)))).isEqualTo(Map.of("id", 0L, "b", 2, "c", 3));
        assertThat(failure(s.get(5))).isInstanceOf(NotFound.class);
        assertThat(failure(s.get(6))).isInstanceOf(NotFound.class);
    }

    @Test
    void dataMustBeAMap() {
        AppService s = service();
        assertThat(failure(s.create("text"))).isInstanceOf(BadRequest.class).hasMessageContaining("String");
        assertThat(failure(s.create(null))).isInstanceOf(BadRequest.class).hasMessageContaining("null");
    }

    @Test
    void storesAndReturnsCopies() {
        AppService s = service();
        Map<String, Object> data = new HashMap<>(Map.of("text", "original"));
        @SuppressWarnings("unchecked")
        Map<String, Object> created = (Map<String, Object>) ok(s.create(data));
        data.put("text", "changed by caller");
        created.put("text", "changed in result");
        @SuppressWarnings("unchecked")
        Map<String, Object> got = (Map<String, Object>) ok(s.get(0));
        got.put("text", "changed in get result");
        assertThat(ok(s.get(0))).isEqualTo(Map.of("id", 0L, "text", "original"));
        assertThat(data).doesNotContainKey("id");
    }

    @Test
    void multiOperationsAreRejectedByDefault() {
        AppService s = service();
        ok(s.create(Map.of("n", 1)));
        assertThat(failure(s.create(List.of(Map.of("n", 2), Map.of("n", 3)))))
                .isInstanceOf(MethodNotAllowed.class).hasMessage("Can not create multiple entries");
        assertThat(failure(s.patch(null, Map.of("x", 1))))
                .isInstanceOf(MethodNotAllowed.class).hasMessage("Can not patch multiple entries");
        assertThat(failure(s.remove(null)))
                .isInstanceOf(MethodNotAllowed.class).hasMessage("Can not remove multiple entries");
        assertThat(ok(s.find())).isEqualTo(List.of(Map.of("id", 0L, "n", 1)));
    }

    @Test
    void multiCreatePatchAndRemoveWhenAllowed() {
        AppService s = service(MemoryServiceOptions.defaults().withMulti(true));
        assertThat(ok(s.create(List.of(Map.of("n", 1), Map.of("n", 2), Map.of("n", 3)))))
                .isEqualTo(List.of(Map.of("id", 0L, "n", 1), Map.of("id", 1L, "n", 2), Map.of("id", 2L, "n", 3)));

        assertThat(ok(s.patch(null, Map.of("big", true), query(Map.of("n", Map.of("$gte", 2))))))
                .isEqualTo(List.of(Map.of("id", 1L, "n", 2, "big", true), Map.of("id", 2L, "n", 3, "big", true)));

        assertThat(ok(s.remove(null, query(Map.of("big", true)))))
                .isEqualTo(List.of(Map.of("id", 1L, "n", 2, "big", true), Map.of("id", 2L, "n", 3, "big", true)));
        assertThat(ok(s.find())).isEqualTo(List.of(Map.of("id", 0L, "n", 1)));

        assertThat(ok(s.remove(null))).isEqualTo(List.of(Map.of("id", 0L, "n", 1)));
        assertThat(ok(s.find())).isEqualTo(List.of());
    }

    @Test
    void multiCreateWithAnInvalidItemStoresNothing() {
        AppService s = service(MemoryServiceOptions.defaults().withMulti(true));
        assertThat(failure(s.create(List.of(Map.of("n", 1), "not a map")))).isInstanceOf(BadRequest.class);
        assertThat(ok(s.find())).isEqualTo(List.of());
    }

    @Test
    void selectOnSingleRecordMethodsKeepsTheId() {
        AppService s = service();
        Params select = query(Map.of("$select", List.of("a")));
        assertThat(ok(s.create(Map.of("a", 1, "b", 2), select))).isEqualTo(Map.of("id", 0L, "a", 1));
        assertThat(ok(s.get(0, query(Map.of("$select", List.of("b")))))).isEqualTo(Map.of("id", 0L, "b", 2));
        assertThat(ok(s.patch(0, Map.of("c", 3), select))).isEqualTo(Map.of("id", 0L, "a", 1));
        assertThat(ok(s.update(0, Map.of("a", 9, "z", 0), select))).isEqualTo(Map.of("id", 0L, "a", 9));
        assertThat(ok(s.remove(0, select))).isEqualTo(Map.of("id", 0L, "a", 9));
    }

    @Test
    void invalidOptions() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MemoryServiceOptions.defaults().withIdField(""))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MemoryServiceOptions.defaults().withPagination(-1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
