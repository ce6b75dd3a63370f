package org.feathers4j.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Static files from a directory or a classpath prefix. Paths are decoded, normalised and must stay
 * inside the root, also once symlinks are resolved ({@code toRealPath}); a directory serves its
 * {@code index.html}. Files are read whole (meant for
 * application assets, not large downloads).
 */
public final class StaticFiles {

    /** A file found: its bytes and content type. */
    public record Found(byte[] bytes, String contentType) {
    }

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("webp", "image/webp"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("wasm", "application/wasm"));

    private final Path directory;
    private final String classpathPrefix;

    private StaticFiles(Path directory, String classpathPrefix) {
        this.directory = directory;
        this.classpathPrefix = classpathPrefix;
    }

    /** Files under a directory (its real path: symlinks in the root's own path are resolved once). */
    public static StaticFiles directory(Path dir) {
        Path root;
        try {
            root = dir.toRealPath();
        } catch (IOException e) {
            root = dir.toAbsolutePath().normalize();
        }
        return new StaticFiles(root, null);
    }

    /** Resources under a classpath prefix, e.g. {@code "public"}. */
    public static StaticFiles classpath(String prefix) {
        String p = prefix;
        while (p.startsWith("/")) p = p.substring(1);
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return new StaticFiles(null, p);
    }

    /**
     * The file for a decoded URL path, or {@code null}.
     *
     * @throws IOException if reading fails
     */
    public Found find(String urlPath) throws IOException {
        if (urlPath.indexOf('\0') >= 0 || urlPath.contains("\\")) return null;
        String rel = urlPath;
        while (rel.startsWith("/")) rel = rel.substring(1);
        for (String seg : rel.split("/")) {
            if (seg.equals("..")) return null;
        }
        if (directory != null) {
            Path f = directory.resolve(rel).normalize();
            if (!f.startsWith(directory)) return null;
            if (Files.isDirectory(f)) f = f.resolve("index.html");
            if (!Files.isRegularFile(f)) return null;
            // a symlink inside the root may point anywhere: serve only what really lies inside it
            Path real;
            try {
                real = f.toRealPath();
            } catch (IOException e) {
                return null;
            }
            if (!real.startsWith(directory)) return null;
            return new Found(Files.readAllBytes(real), typeOf(f.getFileName().toString()));
        }
        String name = classpathPrefix.isEmpty() ? rel : classpathPrefix + "/" + rel;
        if (rel.isEmpty() || rel.endsWith("/")) name = name + (name.endsWith("/") || name.isEmpty() ? "" : "/") + "index.html";
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) cl = StaticFiles.class.getClassLoader();
        URL url = cl.getResource(name);
        if (url == null || url.getPath().endsWith("/")) {
            url = cl.getResource(name + "/index.html");
            if (url == null) return null;
            name = name + "/index.html";
        }
        try (InputStream in = url.openStream()) {
            return new Found(in.readAllBytes(), typeOf(name));
        } catch (IOException e) {
            return null; // a classpath directory entry
        }
    }

    static String typeOf(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
