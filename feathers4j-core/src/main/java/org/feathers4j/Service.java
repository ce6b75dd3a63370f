package org.feathers4j;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.feathers4j.errors.MethodNotAllowed;

/**
 * A Feathers service: up to six standard methods, each returning its result asynchronously.
 * Implement only the methods you offer; the others answer {@link MethodNotAllowed}, and
 * {@link Application#use(String, Service)} finds out which ones a service implements.
 *
 * <p>Data, ids and results are plain Java values: maps, lists, strings, numbers, booleans and
 * {@code null}, or objects Jackson can turn into JSON (records, POJOs). For a blocking
 * implementation, implement {@link BlockingService} instead.
 *
 * <p>{@code id} is {@code null} for multi {@code patch}/{@code remove}; {@code create} receives a
 * {@link java.util.List} for a multi create.
 */
public interface Service {

    /** Finds records matching {@code params.query()}: a list or a page {@code {total, limit, skip, data}}. */
    default CompletionStage<Object> find(Params params) {
        return notAllowed(Method.FIND);
    }

    /** Gets one record by id. */
    default CompletionStage<Object> get(Object id, Params params) {
        return notAllowed(Method.GET);
    }

    /** Creates a record, or several when {@code data} is a list. */
    default CompletionStage<Object> create(Object data, Params params) {
        return notAllowed(Method.CREATE);
    }

    /** Replaces a record. */
    default CompletionStage<Object> update(Object id, Object data, Params params) {
        return notAllowed(Method.UPDATE);
    }

    /** Merges {@code data} into a record, or into every match of the query when {@code id} is null. */
    default CompletionStage<Object> patch(Object id, Object data, Params params) {
        return notAllowed(Method.PATCH);
    }

    /** Removes a record, or every match of the query when {@code id} is null. */
    default CompletionStage<Object> remove(Object id, Params params) {
        return notAllowed(Method.REMOVE);
    }

    /**
     * The custom events this service emits besides the standard ones; they are published to
     * channels and synchronized like the standard events. Default: none.
     */
    default java.util.List<String> events() {
        return java.util.List.of();
    }

    /** Called once by {@link Application#setup()} (or on registration if the app is set up). */
    default CompletionStage<Void> setup(Application app, String path) {
        return CompletableFuture.completedFuture(null);
    }

    /** Called once by {@link Application#teardown()}. */
    default CompletionStage<Void> teardown(Application app, String path) {
        return CompletableFuture.completedFuture(null);
    }

    private static CompletionStage<Object> notAllowed(Method method) {
        return CompletableFuture.failedFuture(
                new MethodNotAllowed("Method `" + method.methodName() + "` is not supported by this endpoint."));
    }
}
