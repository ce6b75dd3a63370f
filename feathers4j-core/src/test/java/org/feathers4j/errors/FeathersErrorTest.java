package org.feathers4j.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The Feathers error family: names, codes, JSON form and conversion. */
class FeathersErrorTest {

    static Stream<Arguments> everyErrorClass() {
        return Stream.of(
                Arguments.of(new BadRequest("m"), "BadRequest", "bad-request", 400),
                Arguments.of(new NotAuthenticated("m"), "NotAuthenticated", "not-authenticated", 401),
                Arguments.of(new PaymentError("m"), "PaymentError", "payment-error", 402),
                Arguments.of(new Forbidden("m"), "Forbidden", "forbidden", 403),
                Arguments.of(new NotFound("m"), "NotFound", "not-found", 404),
                Arguments.of(new MethodNotAllowed("m"), "MethodNotAllowed", "method-not-allowed", 405),
                Arguments.of(new NotAcceptable("m"), "NotAcceptable", "not-acceptable", 406),
                Arguments.of(new Timeout("m"), "Timeout", "timeout", 408),
                Arguments.of(new Conflict("m"), "Conflict", "conflict", 409),
                Arguments.of(new LengthRequired("m"), "LengthRequired", "length-required", 411),
                Arguments.of(new Unprocessable("m"), "Unprocessable", "unprocessable", 422),
                Arguments.of(new TooManyRequests("m"), "TooManyRequests", "too-many-requests", 429),
                Arguments.of(new GeneralError("m"), "GeneralError", "general-error", 500),
                Arguments.of(new NotImplemented("m"), "NotImplemented", "not-implemented", 501),
                Arguments.of(new BadGateway("m"), "BadGateway", "bad-gateway", 502),
                Arguments.of(new Unavailable("m"), "Unavailable", "unavailable", 503));
    }

    @ParameterizedTest
    @MethodSource("everyErrorClass")
    void nameClassNameAndCode(FeathersError e, String name, String className, int code) {
        assertThat(e.name()).isEqualTo(name);
        assertThat(e.getClass().getSimpleName()).isEqualTo(name);
        assertThat(e.className()).isEqualTo(className);
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.getMessage()).isEqualTo("m");
        assertThat(e.toString()).isEqualTo(name + "(" + code + "): m");
    }

    @Test
    void everyErrorTypeHasAClass() {
        assertThat(everyErrorClass()).hasSize(ErrorType.values().length);
    }

    @ParameterizedTest
    @EnumSource(ErrorType.class)
    void errorTypeCreatesItsSubclass(ErrorType type) {
        FeathersError e = type.create("msg", Map.of("d", 1), List.of("e"), null);
        assertThat(e.getClass().getSimpleName()).isEqualTo(type.errorName());
        assertThat(e.name()).isEqualTo(type.errorName());
        assertThat(e.className()).isEqualTo(type.className());
        assertThat(e.code()).isEqualTo(type.code());
        assertThat(e.data()).isEqualTo(Map.of("d", 1));
        assertThat(e.errors()).isEqualTo(List.of("e"));
        assertThat(ErrorType.byName(type.errorName())).isEqualTo(type);
        assertThat(ErrorType.byCode(type.code())).isEqualTo(type);
    }

    @Test
    void toJsonShapeWithoutDataAndErrors() {
        Map<String, Object> json = new NotFound("No record found for id '1'").toJson();
        assertThat(json).containsExactly(
                Map.entry("name", "NotFound"),
                Map.entry("message", "No record found for id '1'"),
                Map.entry("code", 404),
                Map.entry("className", "not-found"));
    }

    @Test
    void toJsonShapeWithDataAndErrors() {
        Map<String, Object> json = new BadRequest("Invalid", Map.of("field", "email"),
                Map.of("email", "required"), null).toJson();
        assertThat(json).containsExactly(
                Map.entry("name", "BadRequest"),
                Map.entry("message", "Invalid"),
                Map.entry("code", 400),
                Map.entry("className", "bad-request"),
                Map.entry("data", Map.of("field", "email")),
                Map.entry("errors", Map.of("email", "required")));
    }

    @Test
    void nullMessageBecomesError() {
        assertThat(new Forbidden(null).getMessage()).isEqualTo("Error");
    }

    @ParameterizedTest
    @MethodSource("everyErrorClass")
    void fromJsonRoundTrip(FeathersError original) {
        FeathersError withData = ErrorType.byName(original.name())
                .create("round trip", Map.of("k", "v"), List.of(Map.of("f", "bad")), null);
        FeathersError back = FeathersError.fromJson(withData.toJson());
        assertThat(back).isExactlyInstanceOf(withData.getClass());
        assertThat(back.toJson()).isEqualTo(withData.toJson());
        assertThat(back.data()).isEqualTo(Map.of("k", "v"));
        assertThat(back.errors()).isEqualTo(List.of(Map.of("f", "bad")));
    }

    @Test
    void fromJsonFallsBackToTheCodeThenToGeneralError() {
        Map<String, Object> unknownName = new LinkedHashMap<>();
        unknownName.put("name", "SomethingCustom");
        unknownName.put("message", "gone away");
        unknownName.put("code", 409);
        assertThat(FeathersError.fromJson(unknownName)).isExactlyInstanceOf(Conflict.class).hasMessage("gone away");

        assertThat(FeathersError.fromJson(Map.of("code", 404L, "message", "x"))).isExactlyInstanceOf(NotFound.class);
        assertThat(FeathersError.fromJson(Map.of("name", "Nope", "code", 418, "message", "teapot")))
                .isExactlyInstanceOf(GeneralError.class).hasMessage("teapot");
        assertThat(FeathersError.fromJson(Map.of())).isExactlyInstanceOf(GeneralError.class).hasMessage("Error");
    }

    @Test
    void fromJsonPrefersTheName() {
        FeathersError e = FeathersError.fromJson(Map.of("name", "Forbidden", "code", 404, "message", "m"));
        assertThat(e).isExactlyInstanceOf(Forbidden.class);
        assertThat(e.code()).isEqualTo(403);
    }

    @Test
    void convertKeepsFeathersErrors() {
        NotFound nf = new NotFound("x");
        assertThat(FeathersError.convert(nf)).isSameAs(nf);
    }

    @Test
    void convertWrapsOtherExceptionsAsGeneralError() {
        IllegalStateException cause = new IllegalStateException("boom");
        FeathersError e = FeathersError.convert(cause);
        assertThat(e).isExactlyInstanceOf(GeneralError.class).hasMessage("boom");
        assertThat(e.getCause()).isSameAs(cause);
        assertThat(e.code()).isEqualTo(500);
    }

    @Test
    void convertUnwrapsCompletionAndExecutionExceptions() {
        Forbidden inner = new Forbidden("inner");
        assertThat(FeathersError.convert(new CompletionException(inner))).isSameAs(inner);
        assertThat(FeathersError.convert(new CompletionException(new ExecutionException(inner)))).isSameAs(inner);

        IllegalArgumentException plain = new IllegalArgumentException("plain");
        FeathersError wrapped = FeathersError.convert(new CompletionException(plain));
        assertThat(wrapped).isExactlyInstanceOf(GeneralError.class).hasMessage("plain");
        assertThat(wrapped.getCause()).isSameAs(plain);
    }

    @Test
    void convertOfAnExceptionWithoutMessageNamesIt() {
        FeathersError e = FeathersError.convert(new NullPointerException());
        assertThat(e).isExactlyInstanceOf(GeneralError.class);
        assertThat(e.getMessage()).isNotEqualTo("null").contains("NullPointerException");
    }

    @Test
    void convertOfNull() {
        assertThat(FeathersError.convert(null)).isExactlyInstanceOf(GeneralError.class).hasMessage("Unknown error");
    }

    @Test
    void unwrapLeavesAnEmptyWrapperAlone() {
        CompletionException empty = new CompletionException(null);
        assertThat(FeathersError.unwrap(empty)).isSameAs(empty);
    }

    @Test
    void convenienceConstructorsKeepData() {
        NotFound e = new NotFound("missing", Map.of("id", 3));
        assertThat(e.data()).isEqualTo(Map.of("id", 3));
        assertThat(e.errors()).isNull();
        assertThat(e.getCause()).isNull();
    }
}
