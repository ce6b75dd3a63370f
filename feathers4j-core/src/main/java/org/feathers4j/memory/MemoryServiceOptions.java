package org.feathers4j.memory;

/**
 * Options of a {@link MemoryService}.
 *
 * @param idField         the id field of records; default {@code "id"}
 * @param defaultPageSize page size when a find has no {@code $limit}; {@code 0} disables
 *                        pagination (find returns a plain list); default {@code 0}
 * @param maxPageSize     the largest {@code $limit} honoured when paginating; default {@code 0} (none)
 * @param multi           whether create with a list and patch/remove with a {@code null} id are
 *                        allowed; default {@code false}, as in Feathers
 * @param startId         the first generated id; default {@code 0}
 */
public record MemoryServiceOptions(String idField, int defaultPageSize, int maxPageSize, boolean multi, long startId) {

    /** Validates the options. */
    public MemoryServiceOptions {
        if (idField == null || idField.isEmpty()) throw new IllegalArgumentException("idField must not be empty");
        if (defaultPageSize < 0 || maxPageSize < 0) throw new IllegalArgumentException("page sizes must be >= 0");
    }

    /** The defaults: id field {@code id}, no pagination, no multi, ids from 0. */
    public static MemoryServiceOptions defaults() {
        return new MemoryServiceOptions("id", 0, 0, false, 0);
    }

    /** These options with another id field. */
    public MemoryServiceOptions withIdField(String field) {
        return new MemoryServiceOptions(field, defaultPageSize, maxPageSize, multi, startId);
    }

    /** These options with pagination: a default and a maximum page size. */
    public MemoryServiceOptions withPagination(int defaultSize, int maxSize) {
        return new MemoryServiceOptions(idField, defaultSize, maxSize, multi, startId);
    }

    /** These options with multi create/patch/remove allowed or not. */
    public MemoryServiceOptions withMulti(boolean allowed) {
        return new MemoryServiceOptions(idField, defaultPageSize, maxPageSize, allowed, startId);
    }

    /** These options with another first id. */
    public MemoryServiceOptions withStartId(long id) {
        return new MemoryServiceOptions(idField, defaultPageSize, maxPageSize, multi, id);
    }
}
