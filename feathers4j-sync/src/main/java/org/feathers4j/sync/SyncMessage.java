package org.feathers4j.sync;

import java.util.Map;

/**
 * One service event on the bus, in feathers-sync 3.x's shape {@code {event, path, data, context}}
 * plus two fields of ours that Node receivers ignore: {@code origin}, the sending instance's id and
 * boot epoch ({@code <instanceId>~<epoch>}, so that each start numbers afresh), and {@code seq}, its
 * per-origin sequence number, which receivers use to drop duplicates and
 * count gaps. Messages from Node carry neither and are accepted as they are.
 *
 * @param event   the event name, e.g. {@code "created"}
 * @param path    the service path, e.g. {@code "messages"}
 * @param data    the event data
 * @param context the call's context as it goes on the wire (see {@link ContextFilter}); may be null
 * @param origin  the sending instance's id and epoch, or {@code null}
 * @param seq     the per-origin sequence number (from 1), or {@code null}
 */
public record SyncMessage(String event, String path, Object data, Map<String, Object> context, String origin,
                          Long seq) {
}
