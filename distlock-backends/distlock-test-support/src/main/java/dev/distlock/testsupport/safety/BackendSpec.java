package dev.distlock.testsupport.safety;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which backend a safety client builds and how it reaches its store, as plain strings that travel
 * on a child JVM's command line: a type the backend module's {@link SafetyBackendFactory} knows
 * (e.g. {@code redis}, {@code redlock}, {@code etcd}, {@code jdbc}) and connection values
 * (e.g. {@code uri}, {@code nodes}, {@code endpoints}, {@code url}).
 */
public record BackendSpec(String type, Map<String, String> values) {

    public BackendSpec {
        Objects.requireNonNull(type, "type");
        values = Map.copyOf(values);
    }

    public static BackendSpec of(String type, Map<String, String> values) {
        return new BackendSpec(type, values);
    }

    /** The value of {@code name}; fails naming the spec when it is missing. */
    public String value(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("Backend spec '" + type + "' has no value '" + name + "': " + values);
        }
        return value;
    }

    /** A comma-separated value as a list. */
    public List<String> list(String name) {
        return List.of(value(name).split(","));
    }

    public String valueOr(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** One command-line argument: {@code type;name=value;...}, each part URL-encoded. */
    public String encode() {
        Map<String, String> sorted = new LinkedHashMap<>();
        values.keySet().stream().sorted().forEach(key -> sorted.put(key, values.get(key)));
        return encodePart(type) + sorted.entrySet().stream()
                .map(entry -> ";" + encodePart(entry.getKey()) + "=" + encodePart(entry.getValue()))
                .collect(Collectors.joining());
    }

    public static BackendSpec decode(String encoded) {
        String[] parts = encoded.split(";");
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            values.put(decodePart(parts[i].substring(0, eq)), decodePart(parts[i].substring(eq + 1)));
        }
        return new BackendSpec(decodePart(parts[0]), values);
    }

    @Override
    public String toString() {
        return type + values;
    }

    static String encodePart(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8);
    }

    static String decodePart(String part) {
        return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }
}
