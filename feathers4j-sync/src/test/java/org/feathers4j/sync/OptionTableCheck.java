package org.feathers4j.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.feathers4j.sync.spi.support.OptionReader;

/**
 * Keeps an adapter README's option table and its settings class in step: every
 * {@code DEFAULT_SOME_OPTION} constant of the class must have the row {@code | `someOption` | default | ... |}
 * in the README, with the same value written in the option grammar (durations as {@code 500ms},
 * {@code 5s}, {@code 2m}; numbers with or without thousands separators; strings and booleans as
 * themselves, backticks allowed). One option per row.
 */
public final class OptionTableCheck {

    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([A-Za-z][A-Za-z0-9]*)`[^|]*\\|([^|]*)\\|", Pattern.MULTILINE);

    private OptionTableCheck() {
    }

    /** The README's option rows: option name to its default cell, normalised. */
    public static Map<String, String> rows(Path readme) throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(Files.readString(readme));
        while (m.find()) rows.putIfAbsent(m.group(1), normalise(m.group(2)));
        return rows;
    }

    /** Asserts that every {@code DEFAULT_*} constant of {@code settings} is documented with its value. */
    public static void assertDocumented(Path readme, Class<?> settings) throws Exception {
        Map<String, String> rows = rows(readme);
        SoftAssertions soft = new SoftAssertions();
        int checked = 0;
        for (Field f : settings.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (!Modifier.isStatic(mod) || !Modifier.isPublic(mod) || !f.getName().startsWith("DEFAULT_")) continue;
            String option = camel(f.getName().substring("DEFAULT_".length()));
            Object value = f.get(null);
            soft.assertThat(rows).as("%s documents option '%s' (%s.%s)", readme.getFileName(), option,
                    settings.getSimpleName(), f.getName()).containsKey(option);
            if (rows.containsKey(option)) {
                soft.assertThat(rows.get(option)).as("default of '%s' in %s", option, readme).isEqualTo(render(value));
            }
            checked++;
        }
        soft.assertAll();
        assertThat(checked).as("DEFAULT_* constants in " + settings.getName()).isPositive();
    }

    /** {@code QUEUE_MAX_LENGTH} to {@code queueMaxLength}. */
    static String camel(String constant) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : constant.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    static String render(Object value) {
        if (value instanceof Duration d) return OptionReader.format(d);
        if (value instanceof Enum<?> e) return e.name().toLowerCase(Locale.ROOT);
        return normalise(String.valueOf(value));
    }

    static String normalise(String cell) {
        return cell.replace("`", "").replace(",", "").replace(" ", "").trim();
    }
}
