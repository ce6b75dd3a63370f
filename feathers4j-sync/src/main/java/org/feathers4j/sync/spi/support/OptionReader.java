package org.feathers4j.sync.spi.support;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.feathers4j.sync.SyncOptions;

/**
 * Reads an adapter's options ({@link SyncOptions#option(String, Object)}) with one grammar for every
 * adapter, so {@code "5s"} means the same to all of them:
 *
 * <table>
 *   <caption>Option values</caption>
 *   <tr><th>kind</th><th>accepted</th></tr>
 *   <tr><td>duration</td><td>a {@link Duration}; a number of milliseconds ({@code 1500}, {@code "1500"});
 *       a number with a unit: {@code "500ms"}, {@code "5s"}, {@code "1.5s"}, {@code "2m"}, {@code "1h"},
 *       {@code "1d"}; ISO-8601 ({@code "PT5S"})</td></tr>
 *   <tr><td>integer</td><td>a {@link Number} without fraction, or its digits ({@code "100000"},
 *       {@code "100_000"})</td></tr>
 *   <tr><td>boolean</td><td>a {@link Boolean}, {@code "true"/"false"}, {@code "yes"/"no"}, {@code "on"/"off"},
 *       {@code "1"/"0"}</td></tr>
 *   <tr><td>list</td><td>a {@link Collection}, an array, or a comma-separated string</td></tr>
 * </table>
 *
 * A value that does not fit throws {@link IllegalArgumentException} naming the adapter, the option
 * and what is accepted; an absent option gives the fallback.
 */
public final class OptionReader {

    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

    private final String type;
    private final Map<String, Object> options;

    /**
     * @param type    the adapter type, for messages, e.g. {@code "redis"}
     * @param options the option values by name
     */
    public OptionReader(String type, Map<String, Object> options) {
        this.type = Objects.requireNonNull(type, "type");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** A reader of these sync options' adapter options. */
    public static OptionReader of(String type, SyncOptions options) {
        return new OptionReader(type, options.options());
    }

    /** Whether the option is set (to a non-null value). */
    public boolean has(String name) {
        return options.get(name) != null;
    }

    /** The raw value, or {@code null}. */
    public Object raw(String name) {
        return options.get(name);
    }

    /** A duration option, see the table above. */
    public Duration duration(String name, Duration fallback) {
        Object v = options.get(name);
        if (v == null) return fallback;
        if (v instanceof Duration d) return d;
        if (v instanceof Number n) return Duration.ofMillis(wholeNumber(name, n));
        if (v instanceof CharSequence s) {
            try {
                return parseDuration(s.toString());
            } catch (IllegalArgumentException e) {
                throw invalid(name, v, "a duration such as 500ms, 5s, 2m, PT5S or a number of milliseconds");
            }
        }
        throw invalid(name, v, "a duration such as 500ms, 5s, 2m, PT5S or a number of milliseconds");
    }

    /** An {@code int} option. */
    public int integer(String name, int fallback) {
        long n = longValue(name, fallback);
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) throw invalid(name, options.get(name), "an int");
        return (int) n;
    }

    /** A {@code long} option. */
    public long longValue(String name, long fallback) {
        Object v = options.get(name);
        if (v == null) return fallback;
        if (v instanceof Number n) return wholeNumber(name, n);
        if (v instanceof CharSequence s) {
            try {
                return Long.parseLong(s.toString().trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw invalid(name, v, "a whole number");
            }
        }
        throw invalid(name, v, "a whole number");
    }

    /** A boolean option. */
    public boolean bool(String name, boolean fallback) {
        Object v = options.get(name);
        if (v == null) return fallback;
        if (v instanceof Boolean b) return b;
        if (v instanceof CharSequence s) {
            switch (s.toString().trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1": return true;
                case "false", "no", "off", "0": return false;
                default: break;
            }
        }
        throw invalid(name, v, "true or false");
    }

    /** A string option (any value's {@code toString()}). */
    public String string(String name, String fallback) {
        Object v = options.get(name);
        return v == null ? fallback : v.toString();
    }

    /** A list option, see the table above; blank entries are left out. */
    public List<String> list(String name, List<String> fallback) {
        Object v = options.get(name);
        if (v == null) return fallback;
        List<Object> raw;
        if (v instanceof CharSequence s) raw = Arrays.asList((Object[]) s.toString().split(","));
        else if (v instanceof Collection<?> c) raw = new ArrayList<>(c);
        else if (v instanceof Object[] a) raw = Arrays.asList(a);
        else throw invalid(name, v, "a list or a comma-separated string");
        List<String> out = new ArrayList<>();
        for (Object o : raw) {
            if (o != null && !o.toString().isBlank()) out.add(o.toString().trim());
        }
        return out;
    }

    /** An option of a given type, e.g. a {@code Consumer<ConnectionFactory>} customizer. */
    public <T> T instance(String name, Class<T> kind, T fallback) {
        Object v = options.get(name);
        if (v == null) return fallback;
        if (!kind.isInstance(v)) throw invalid(name, v, "a " + kind.getName());
        return kind.cast(v);
    }

    /**
     * Parses a duration: milliseconds ({@code "1500"}), a number with a unit ({@code "500ms"},
     * {@code "5s"}, {@code "1.5s"}, {@code "2m"}, {@code "1h"}, {@code "1d"}) or ISO-8601 ({@code "PT5S"}).
     *
     * @throws IllegalArgumentException if it is none of these, or negative
     */
    public static Duration parseDuration(String text) {
        String t = Objects.requireNonNull(text, "text").trim().replace("_", "");
        if (t.matches("\\d+")) return Duration.ofMillis(Long.parseLong(t));
        Matcher m = WITH_UNIT.matcher(t);
        if (m.matches()) {
            double n = Double.parseDouble(m.group(1));
            long unitMillis = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 86_400_000L;
            };
            return Duration.ofMillis(Math.round(n * unitMillis));
        }
        try {
            Duration d = Duration.parse(t.toUpperCase(Locale.ROOT));
            if (d.isNegative()) throw new IllegalArgumentException("negative duration: " + text);
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "'", e);
        }
    }

    /**
     * The shortest form of a duration in this grammar, for messages and documentation:
     * {@code 500ms}, {@code 5s}, {@code 1500ms}, {@code 2m}, {@code 1h}.
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
        if (ms != 0 && ms % 60_000 == 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }

    private long wholeNumber(String name, Number n) {
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (d != Math.rint(d)) throw invalid(name, n, "a whole number");
        }
        return n.longValue();
    }

    private IllegalArgumentException invalid(String name, Object value, String expected) {
        // the value is shown only for short plain values: options can hold secrets
        String shown = value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                ? "'" + abbreviate(String.valueOf(value)) + "'" : "a " + value.getClass().getName();
        return new IllegalArgumentException(type + " sync option '" + name + "' must be " + expected + ", got " + shown);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
