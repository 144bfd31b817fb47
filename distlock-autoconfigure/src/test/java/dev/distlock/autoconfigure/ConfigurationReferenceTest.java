package dev.distlock.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.configurationprocessor.json.JSONArray;
import org.springframework.boot.configurationprocessor.json.JSONException;
import org.springframework.boot.configurationprocessor.json.JSONObject;

/**
 * docs/configuration.md is the configuration metadata (which the build generates from the
 * properties classes' javadoc and fields) rendered as a table, so that the reference cannot drift
 * from the code; and every property says what it does and what it is when unset.
 */
class ConfigurationReferenceTest {

    private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");
    private static final Path REFERENCE = Path.of("../docs/configuration.md");
    private static final String REGENERATE = "./mvnw -pl distlock-autoconfigure -am test "
            + "-Dtest=ConfigurationReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Ddistlock.docs.write=true";
    /** Types whose unset value is no meaningful choice of its own: they need a default in the metadata. */
    private static final Set<String> TYPES_NEEDING_A_DEFAULT = Set.of(Duration.class.getName(), "java.lang.Boolean",
            "java.lang.Integer", "java.lang.Long", "boolean", "int", "long");

    private static final List<String> GROUPS = List.of("Every backend", "Health", "Redis", "etcd", "ZooKeeper", "JDBC",
            "Actuator endpoint");

    @Test
    void theConfigurationReferenceIsTheMetadataRendered() throws IOException {
        String rendered = render(properties());
        if (Boolean.getBoolean("distlock.docs.write")) {
            Files.writeString(REFERENCE, rendered);
        }
        assertThat(Files.exists(REFERENCE) ? Files.readString(REFERENCE) : "")
                .as("docs/configuration.md is generated from the configuration metadata; regenerate it with " + REGENERATE)
                .isEqualTo(rendered);
    }

    @Test
    void everyPropertySaysWhatItDoesAndWhatItIsWhenUnset() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> property : properties()) {
            String name = (String) property.get("name");
            Object description = property.get("description");
            if (description == null || description.toString().isBlank()) {
                problems.add(name + " has no description (javadoc on its field)");
            }
            if (TYPES_NEEDING_A_DEFAULT.contains(property.get("type")) && property.get("defaultValue") == null) {
                problems.add(name + " (" + property.get("type") + ") shows no default: initialise its field with a literal "
                        + "or add it to additional-spring-configuration-metadata.json");
            }
        }
        assertThat(problems).isEmpty();
    }

    /** Read with the JSON classes the configuration processor itself writes with, present on both Boot lines. */
    private static List<Map<String, Object>> properties() throws IOException {
        JSONArray all;
        try {
            all = new JSONObject(Files.readString(METADATA)).getJSONArray("properties");
        } catch (JSONException e) {
            throw new IOException("Cannot read " + METADATA, e);
        }
        List<Map<String, Object>> properties = new ArrayList<>();
        for (int i = 0; i < all.length(); i++) {
            JSONObject property = all.optJSONObject(i);
            String name = property.optString("name");
            if (!name.startsWith("distlock.") && !name.startsWith("management.")) {
                continue;
            }
            Map<String, Object> entry = new HashMap<>();
            entry.put("name", name);
            entry.put("type", property.has("type") ? property.optString("type") : null);
            entry.put("description", property.has("description") ? property.optString("description") : null);
            Object defaultValue = property.opt("defaultValue");
            if (defaultValue instanceof JSONArray values) {
                List<Object> list = new ArrayList<>();
                for (int j = 0; j < values.length(); j++) {
                    list.add(values.opt(j));
                }
                defaultValue = list;
            }
            entry.put("defaultValue", defaultValue);
            properties.add(entry);
        }
        properties.sort(Comparator.comparing((Map<String, Object> property) -> GROUPS.indexOf(group((String) property.get("name"))))
                .thenComparing(property -> (String) property.get("name")));
        return properties;
    }

    private static String render(List<Map<String, Object>> properties) {
        StringBuilder out = new StringBuilder("""
                # Configuration reference

                Every property distlock reads, generated from the configuration metadata that the build
                writes from the properties classes (`ConfigurationReferenceTest` fails when this page and
                the code differ). Durations take Spring Boot's forms (`500ms`, `10s`, `PT10S`).

                """);
        String group = null;
        for (Map<String, Object> property : properties) {
            String name = (String) property.get("name");
            String thisGroup = group(name);
            if (!thisGroup.equals(group)) {
                group = thisGroup;
                out.append("\n## ").append(group).append("\n\n| property | default | meaning |\n|---|---|---|\n");
            }
            out.append("| `").append(name).append("` | ").append(defaultValue(property.get("defaultValue"))).append(" | ")
                    .append(cell(property.get("description"))).append(" |\n");
        }
        return out.toString();
    }

    private static String group(String name) {
        String[] parts = name.split("\\.");
        if (name.startsWith("management.health.")) {
            return "Health";
        }
        if (name.startsWith("management.")) {
            return "Actuator endpoint";
        }
        return switch (parts.length > 2 ? parts[1] : "") {
            case "redis" -> "Redis";
            case "etcd" -> "etcd";
            case "zookeeper" -> "ZooKeeper";
            case "jdbc" -> "JDBC";
            case "health" -> "Health";
            default -> "Every backend";
        };
    }

    private static String defaultValue(Object value) {
        if (value == null) {
            return "(unset)";
        }
        String text = value instanceof List<?> list ? String.join(", ", list.stream().map(String::valueOf).toList())
                : String.valueOf(value);
        return "`" + text + "`";
    }

    private static String cell(Object description) {
        return description == null ? "" : description.toString().replace("|", "\\|").replace("\n", " ");
    }
}
