package org.feathers4j.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.feathers4j.Futures.failure;
import static org.feathers4j.Futures.ok;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.feathers4j.AppService;
import org.feathers4j.Application;
import org.feathers4j.Params;
import org.feathers4j.errors.BadRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The query syntax of the in-memory service: operators, $sort, $skip, $limit, $select. */
class MemoryQueryTest {

    private AppService people;

    @BeforeEach
    void setUp() {
        people = new Application().use("people", new MemoryService()).service("people");
        create("ann", 30, "paris");
        create("bob", 25, "berlin");
        create("cid", 35, "paris");
        create("dan", 25, "rome");
        create("eve", 40, null);
    }

    private void create(String name, int age, String city) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", name);
        p.put("age", age);
        if (city != null) p.put("city", city);
        ok(people.create(p));
    }

    /** Runs a find and returns the names of the results, in order. */
    private List<Object> names(Map<String, ?> query) {
        List<Object> out = new ArrayList<>();
        for (Object r : (List<?>) ok(people.find(Params.withQuery(query)))) out.add(((Map<?, ?>) r).get("name"));
        return out;
    }

    private static Map<String, Object> q(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void emptyQueryFindsAllInInsertionOrder() {
        assertThat(names(Map.of())).containsExactly("ann", "bob", "cid", "dan", "eve");
    }

    @Test
    void equality() {
        assertThat(names(q("city", "paris"))).containsExactly("ann", "cid");
        assertThat(names(q("city", "paris", "age", 35))).containsExactly("cid");
        assertThat(names(q("city", "nowhere"))).isEmpty();
    }

    @Test
    void numericEqualityIgnoresTheJavaType() {
        assertThat(names(q("age", 25))).containsExactly("bob", "dan");
        assertThat(names(q("age", 25L))).containsExactly("bob", "dan");
        assertThat(names(q("age", 25.0))).containsExactly("bob", "dan");
        assertThat(names(q("age", new java.math.BigDecimal("25")))).containsExactly("bob", "dan");
        assertThat(names(q("age", 25.5))).isEmpty();
        assertThat(names(q("age", q("$in", List.of(30L, 40.0))))).containsExactly("ann", "eve");
        assertThat(Query.same(1, 1L)).isTrue();
        assertThat(Query.same(1L, 1.0)).isTrue();
        assertThat(Query.same(1, 1.0f)).isTrue();
        assertThat(Query.same(1, "1")).isFalse();
    }

    @Test
    void inAndNin() {
        assertThat(names(q("name", q("$in", List.of("ann", "dan", "zed"))))).containsExactly("ann", "dan");
        assertThat(names(q("name", q("$nin", List.of("ann", "dan"))))).containsExactly("bob", "cid", "eve");
        assertThat(names(q("city", q("$in", List.of("rome"))))).containsExactly("dan");
        assertThat(names(q("city", q("$nin", List.of("paris", "berlin", "rome"))))).containsExactly("eve");
    }

    @Test
    void comparisons() {
        assertThat(names(q("age", q("$lt", 30)))).containsExactly("bob", "dan");
        assertThat(names(q("age", q("$lte", 30)))).containsExactly("ann", "bob", "dan");
        assertThat(names(q("age", q("$gt", 35)))).containsExactly("eve");
        assertThat(names(q("age", q("$gte", 35)))).containsExactly("cid", "eve");
        assertThat(names(q("age", q("$gt", 25, "$lt", 40)))).containsExactly("ann", "cid");
        assertThat(names(q("name", q("$gt", "cid")))).containsExactly("dan", "eve");
    }

    @Test
    void comparisonsNeverMatchAMissingField() {
        assertThat(names(q("city", q("$lt", "zzz")))).containsExactly("ann", "bob", "cid", "dan");
        assertThat(names(q("city", q("$gte", "")))).doesNotContain("eve");
    }

    @Test
    void ne() {
        assertThat(names(q("city", q("$ne", "paris")))).containsExactly("bob", "dan", "eve");
        assertThat(names(q("age", q("$ne", 25L)))).containsExactly("ann", "cid", "eve");
    }

    @Test
    void or() {
        assertThat(names(q("$or", List.of(q("name", "ann"), q("age", q("$gte", 40))))))
                .containsExactly("ann", "eve");
        assertThat(names(q("city", "paris", "$or", List.of(q("age", 35), q("name", "bob")))))
                .containsExactly("cid");
    }

    @Test
    void and() {
        assertThat(names(q("$and", List.of(q("age", q("$gte", 25)), q("age", q("$lte", 30)), q("city", "paris")))))
                .containsExactly("ann");
        assertThat(names(q("$and", List.of(q("$or", List.of(q("name", "bob"), q("name", "dan"))),
                q("city", "rome"))))).containsExactly("dan");
    }

    @Test
    void sortAscendingDescendingAndMultiField() {
        assertThat(names(q("$sort", q("age", 1)))).containsExactly("bob", "dan", "ann", "cid", "eve");
        assertThat(names(q("$sort", q("age", -1)))).containsExactly("eve", "cid", "ann", "bob", "dan");
        assertThat(names(q("$sort", q("age", 1, "name", -1)))).containsExactly("dan", "bob", "ann", "cid", "eve");
        assertThat(names(q("$sort", q("age", "-1", "name", "1")))).containsExactly("eve", "cid", "ann", "bob", "dan");
    }

    @Test
    void sortPutsMissingValuesFirst() {
        assertThat(names(q("$sort", q("city", 1)))).containsExactly("eve", "bob", "ann", "cid", "dan");
    }

    @Test
    void skipAndLimit() {
        assertThat(names(q("$sort", q("name", 1), "$skip", 1, "$limit", 2))).containsExactly("bob", "cid");
        assertThat(names(q("$limit", "3"))).containsExactly("ann", "bob", "cid");
        assertThat(names(q("$skip", 4))).containsExactly("eve");
        assertThat(names(q("$skip", 10))).isEmpty();
        assertThat(names(q("$limit", 0))).isEmpty();
    }

    @Test
    void selectKeepsTheIdAndTheChosenFields() {
        Object result = ok(people.find(Params.withQuery(q("$select", List.of("name"), "age", 40))));
        assertThat(result).isEqualTo(List.of(Map.of("id", 4L, "name", "eve")));
        Object asString = ok(people.find(Params.withQuery(q("$select", "name, city", "name", "ann"))));
        assertThat(asString).isEqualTo(List.of(Map.of("id", 0L, "name", "ann", "city", "paris")));
        Object none = ok(people.find(Params.withQuery(q("$select", List.of(), "name", "ann"))));
        assertThat(none).isEqualTo(List.of(Map.of("id", 0L)));
    }

    @Test
    void queryIsNotChangedByTheFind() {
        Map<String, Object> query = new HashMap<>(q("age", q("$gt", 20), "$limit", 1));
        Params params = Params.withQuery(query);
        ok(people.find(params));
        assertThat(params.query()).isEqualTo(query);
    }

    @Test
    void invalidQueriesAreBadRequests() {
        assertThat(failure(people.find(Params.withQuery(q("$where", "1"))))).isInstanceOf(BadRequest.class)
                .hasMessage("Invalid query parameter $where");
        assertThat(failure(people.find(Params.withQuery(q("age", q("$regex", "x")))))).isInstanceOf(BadRequest.class);
        assertThat(failure(people.find(Params.withQuery(q("$or", "x"))))).isInstanceOf(BadRequest.class);
        assertThat(failure(people.find(Params.withQuery(q("$limit", -1))))).isInstanceOf(BadRequest.class);
        assertThat(failure(people.find(Params.withQuery(q("$limit", "many"))))).isInstanceOf(BadRequest.class);
        assertThat(failure(people.find(Params.withQuery(q("$sort", q("age", 2)))))).isInstanceOf(BadRequest.class);
        assertThat(failure(people.find(Params.withQuery(q("$sort", "age"))))).isInstanceOf(BadRequest.class);
    }

    @Test
    void equalityAgainstANestedObject() {
        ok(people.create(q("name", "fay", "address", q("zip", "75001"))));
        assertThat(names(q("address", q("zip", "75001")))).containsExactly("fay");
    }
}
