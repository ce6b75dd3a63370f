package org.feathers4j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.feathers4j.errors.BadRequest;
import org.junit.jupiter.api.Test;

class QueryStringsTest {

    @Test
    void nestsLikeQs() {
        Map<String, Object> q = QueryStrings.parse(
                "/m?%24sort%5BcreatedAt%5D=-1&%24in%5B%5D=a&%24in%5B%5D=b&n%5B%24in%5D%5B0%5D=1&n%5B%24in%5D%5B1%5D=3"
                        + "&%24or%5B0%5D%5Bname%5D=x&%24or%5B1%5D%5Bage%5D%5B%24gt%5D=2&a=1&a=2", true);
        assertThat(q).containsEntry("$sort", Map.of("createdAt", -1))
                .containsEntry("$in", List.of("a", "b"))
                .containsEntry("n", Map.of("$in", List.of(1, 3)))
                .containsEntry("$or", List.of(Map.of("name", "x"), Map.of("age", Map.of("$gt", 2))))
                .containsEntry("a", List.of(1, 2));
    }

    @Test
    void typesAreInferredOnlyWhenAsked() {
        Map<String, Object> q = QueryStrings.parse("/m?b=true&f=false&z=null&i=42&d=2.5&big=12345678901&s=007&e=1e3&t=%20", true);
        assertThat(q).containsEntry("b", true).containsEntry("f", false).containsEntry("z", null)
                .containsEntry("i", 42).containsEntry("d", 2.5).containsEntry("big", 12345678901L)
                .containsEntry("s", "007").containsEntry("e", "1e3").containsEntry("t", " ");
        assertThat(QueryStrings.parse("/m?b=true&i=42", false)).containsEntry("b", "true").containsEntry("i", "42");
    }

    @Test
    void sparseIndicesStayAMapAndDeepNestingIsRefused() {
        assertThat(QueryStrings.parse("/m?x%5B5%5D=a", true)).containsEntry("x", Map.of("5", "a"));
        String deep = "k" + String.join("", java.util.Collections.nCopies(12, "[a]"));
        assertThatThrownBy(() -> QueryStrings.parse("/m?" + deep + "=1", true)).isInstanceOf(BadRequest.class);
        assertThat(QueryStrings.keyPath("a[b][]")).isEqualTo(Arrays.asList("a", "b", ""));
    }
}
