package dev.letterpress.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.letterpress.App;
import dev.letterpress.TestSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI description served at /api/openapi.json against the routes the running server really has:
 * every registered /api route is documented, every documented operation is registered, and the document holds together.
 */
class OpenApiTest {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    @TempDir
    static Path dir;
    static App app;
    static JsonNode doc;

    @BeforeAll
    static void start() {
        app = App.create(TestSupport.config(dir, TestSupport.freePort(), Map.of())).start();
        var answer = new ApiClient(app.config.http().publicBaseUrl().toString(), null).get("/api/openapi.json");
        assertThat(answer.status()).isEqualTo(200);
        doc = answer.json();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static Set<String> documented() {
        Set<String> out = new TreeSet<>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (METHODS.contains(m)) {
                out.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey());
            }
        }));
        return out;
    }

    @Test
    void everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteIsRegistered() {
        Set<String> registered = new TreeSet<>(app.httpRoutes().stream().filter(r -> r.contains(" /api/")).toList());
        assertThat(registered).hasSizeGreaterThan(25);
        assertThat(documented()).isEqualTo(registered);
        // the public routes are still there and are not part of the API's description
        assertThat(app.httpRoutes()).contains("GET /c/{token}");
    }

    @Test
    void everyOperationIsDescribedAndEveryReferenceResolves() {
        assertThat(doc.path("openapi").asText()).startsWith("3.1");
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(doc.at(ref.substring(1)).isMissingNode()).as("reference %s resolves", ref).isFalse();
        }
        Pattern param = Pattern.compile("\\{([^}]+)}");
        doc.path("paths").fields().forEachRemaining(p -> {
            List<String> declared = new ArrayList<>();
            p.getValue().path("parameters").forEach(x -> declared.add(resolve(x).path("name").asText()));
            Matcher m = param.matcher(p.getKey());
            while (m.find()) {
                assertThat(declared).as("path parameter %s of %s is declared", m.group(1), p.getKey()).contains(m.group(1));
            }
            p.getValue().fields().forEachRemaining(op -> {
                if (!METHODS.contains(op.getKey())) {
                    return;
                }
                String name = op.getKey() + " " + p.getKey();
                assertThat(op.getValue().path("summary").asText()).as("summary of %s", name).isNotBlank();
                JsonNode responses = op.getValue().path("responses");
                assertThat(responses.size()).as("responses of %s", name).isPositive();
                boolean open = op.getValue().has("security") && op.getValue().path("security").isEmpty();
                assertThat(responses.has("401")).as("%s documents 401", name).isEqualTo(!open);
            });
        });
    }

    private static JsonNode resolve(JsonNode node) {
        return node.has("$ref") ? doc.at(node.path("$ref").asText().substring(1)) : node;
    }

    private static void collectRefs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref")) {
                    out.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, out));
        }
    }
}
