package org.feathers4j.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Options of the {@link ChatDemo}, usually parsed from the command line ({@link #parse(String...)}).
 *
 * @param ports     the HTTP ports of the instances, one instance per port; {@code 0} picks a free
 *                  port; default {@code 3031, 3032, 3033}
 * @param sync      the broker URI to sync through, e.g. {@code redis://host:6379},
 *                  {@code amqp://...}, {@code nats://...}, {@code mongodb://...} (its adapter module
 *                  must be on the classpath); {@code null} (the default) starts an embedded Redis
 * @param host      the interface the instances bind; default {@code 127.0.0.1} (this machine
 *                  only); the embedded Redis always binds {@code 127.0.0.1}
 * @param redisPort the embedded Redis port; default {@code 0} (a free port); ignored with {@code sync}
 * @param key       the sync key (channel, exchange or subject prefix) on the broker; default
 *                  {@code "feathers4j-demo"}, so the demo stays apart from other users of a shared broker
 */
public record DemoOptions(List<Integer> ports, String sync, String host, int redisPort, String key) {

    /** The default ports. */
    public static final List<Integer> DEFAULT_PORTS = List.of(3031, 3032, 3033);

    /** The default sync key. */
    public static final String DEFAULT_KEY = "feathers4j-demo";

    /** The command-line usage. */
    public static final String USAGE = String.join(System.lineSeparator(),
            "usage: scripts/demo.sh [--ports 3031,3032,3033] [--sync URI] [--host 127.0.0.1] [--redis-port 0] [--key feathers4j-demo]",
            "  --ports       one instance per port (0 = a free port); default 3031,3032,3033",
            "  --sync        sync through this broker instead of an embedded Redis:",
            "                redis://host:6379, amqp://user:pass@host:5672, nats://host:4222, mongodb://host:27017/db",
            "  --host        the interface the instances listen on; default 127.0.0.1 (this machine only)",
            "  --redis-port  the embedded Redis port; default 0 (a free port)",
            "  --key         the sync key on the broker; default feathers4j-demo",
            "  --help        this text");

    /** Validates the options. */
    public DemoOptions {
        Objects.requireNonNull(ports, "ports");
        if (ports.isEmpty()) throw new IllegalArgumentException("at least one port is needed");
        for (Integer p : ports) {
            if (p == null || p < 0 || p > 65535) throw new IllegalArgumentException("port out of range: " + p);
        }
        List<Integer> nonZero = ports.stream().filter(p -> p != 0).toList();
        if (nonZero.stream().distinct().count() != nonZero.size()) {
            throw new IllegalArgumentException("the ports must differ: " + ports);
        }
        ports = List.copyOf(ports);
        if (sync != null && (sync.isBlank() || !sync.contains("://"))) {
            throw new IllegalArgumentException("--sync needs a broker URI such as redis://127.0.0.1:6379");
        }
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) throw new IllegalArgumentException("host must not be empty");
        if (redisPort < 0 || redisPort > 65535) throw new IllegalArgumentException("redis port out of range: " + redisPort);
        Objects.requireNonNull(key, "key");
        if (key.isBlank()) throw new IllegalArgumentException("key must not be empty");
    }

    /** The defaults: three instances on 3031-3033 on 127.0.0.1, an embedded Redis on a free port. */
    public static DemoOptions defaults() {
        return new DemoOptions(DEFAULT_PORTS, null, "127.0.0.1", 0, DEFAULT_KEY);
    }

    /** These options with other ports. */
    public DemoOptions withPorts(List<Integer> ports) {
        return new DemoOptions(ports, sync, host, redisPort, key);
    }

    /** These options syncing through an external broker ({@code null}: the embedded Redis). */
    public DemoOptions withSync(String uri) {
        return new DemoOptions(ports, uri, host, redisPort, key);
    }

    /** Whether the demo starts its own Redis. */
    public boolean embeddedBroker() {
        return sync == null;
    }

    /**
     * Parses command-line arguments ({@code --name value} or {@code --name=value}).
     *
     * @return the options, or {@code null} when {@code --help} was asked
     * @throws IllegalArgumentException with a message for the user on unknown or malformed arguments
     */
    public static DemoOptions parse(String... args) {
        DemoOptions o = defaults();
        List<Integer> ports = o.ports();
        String sync = o.sync();
        String host = o.host();
        int redisPort = o.redisPort();
        String key = o.key();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) return null;
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!name.startsWith("--")) throw new IllegalArgumentException("unexpected argument: " + arg);
            if (value == null) {
                if (i + 1 >= args.length) throw new IllegalArgumentException(name + " needs a value");
                value = args[++i];
            }
            switch (name) {
                case "--ports" -> ports = parsePorts(value);
                case "--sync" -> sync = value.isBlank() ? null : value.strip();
                case "--host" -> host = value.strip();
                case "--redis-port" -> redisPort = parsePort(value);
                case "--key" -> key = value.strip();
                default -> throw new IllegalArgumentException("unknown option: " + name);
            }
        }
        return new DemoOptions(ports, sync, host, redisPort, key);
    }

    private static List<Integer> parsePorts(String value) {
        List<Integer> ports = new ArrayList<>();
        for (String p : value.split(",", -1)) ports.add(parsePort(p));
        return ports;
    }

    private static int parsePort(String value) {
        try {
            int p = Integer.parseInt(value.strip());
            if (p < 0 || p > 65535) throw new IllegalArgumentException("port out of range: " + value.strip());
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port: '" + value.strip() + "'");
        }
    }
}
