package org.feathers4j.sync.kafka.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code kafka://[user:password@]host:port[,host2:port2...][?name=value&...]}: the bootstrap
 * servers, the user info (SASL credentials) and the query parameters, which are adapter options.
 * Parsed by hand: {@link java.net.URI} does not take a comma-separated host list.
 */
public final class KafkaUri {

    /** The query parameters the URI understands: the options of {@code KafkaSyncConfig} that are plain values. */
    public static final Set<String> QUERY_OPTIONS = Set.of("topic", "createTopic", "partitions", "replication", "retention",
            "linger", "ackTimeout", "deliveryTimeout", "bufferMemory", "partitionRefresh", "cursorInterval",
            "reconnectWait", "requestTimeout", "groupPrefix", "securityProtocol", "saslMechanism", "servers");

    private KafkaUri() {
    }

    /** The part after {@code ://} and up to the query, without the user info; {@code null} for no URI. */
    private static String hostPart(String uri) {
        if (uri == null) return null;
        String u = uri.trim();
        int s = u.indexOf("://");
        if (s < 0) throw new IllegalArgumentException("kafka sync URI must look like kafka://host:9092[,host2:9092][?topic=...]: "
                + org.feathers4j.sync.SyncOptions.redact(u));
        String rest = u.substring(s + 3);
        int q = rest.indexOf('?');
        if (q >= 0) rest = rest.substring(0, q);
        int at = rest.lastIndexOf('@');
        if (at >= 0) rest = rest.substring(at + 1);
        if (rest.endsWith("/")) rest = rest.substring(0, rest.length() - 1);
        return rest;
    }

    /**
     * The URI's bootstrap servers as {@code host:port} (port 9092 when missing).
     *
     * @throws IllegalArgumentException if the URI is malformed or names no host
     */
    public static List<String> servers(String uri) {
        String hosts = hostPart(uri);
        List<String> out = new ArrayList<>();
        if (hosts == null) return out;
        for (String h : hosts.split(",")) {
            String host = h.trim();
            if (host.isEmpty()) continue;
            if (host.contains("/")) throw new IllegalArgumentException("kafka sync URI: a path is not allowed after the hosts: '" + host + "'");
            int colon = host.lastIndexOf(':');
            boolean bracketed = host.startsWith("[");
            if (colon < 0 || (bracketed && colon < host.indexOf(']'))) {
                out.add(host + ":9092");
                continue;
            }
            String port = host.substring(colon + 1);
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535 || colon == 0) {
                throw new IllegalArgumentException("kafka sync URI: bad host:port '" + host + "'");
            }
            out.add(host);
        }
        return out;
    }

    /** The URI's user name and password, decoded, or {@code null} when it has no user info. */
    public static String[] userInfo(String uri) {
        if (uri == null) return null;
        String u = uri.trim();
        int s = u.indexOf("://");
        if (s < 0) return null;
        String rest = u.substring(s + 3);
        int q = rest.indexOf('?');
        String authority = q >= 0 ? rest.substring(0, q) : rest;
        int at = authority.lastIndexOf('@');
        if (at < 0) return null;
        String info = authority.substring(0, at);
        int colon = info.indexOf(':');
        String user = decode(colon < 0 ? info : info.substring(0, colon));
        String password = colon < 0 ? null : decode(info.substring(colon + 1));
        return new String[] {user, password};
    }

    /**
     * The URI's query parameters, decoded, by name.
     *
     * @throws IllegalArgumentException for a parameter that is not one of {@link #QUERY_OPTIONS}
     */
    public static Map<String, Object> query(String uri) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (uri == null) return out;
        int q = uri.indexOf('?');
        if (q < 0) return out;
        for (String part : uri.substring(q + 1).split("&")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String name = decode(eq < 0 ? part : part.substring(0, eq));
            String value = eq < 0 ? "" : decode(part.substring(eq + 1));
            if (!QUERY_OPTIONS.contains(name)) {
                throw new IllegalArgumentException("kafka sync URI: unknown query parameter '" + name.toLowerCase(Locale.ROOT)
                        + "'; known: " + new java.util.TreeSet<>(QUERY_OPTIONS) + " (client properties go in the option clientProperties)");
            }
            out.put(name, value);
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
