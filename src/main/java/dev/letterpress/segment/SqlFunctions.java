package dev.letterpress.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * The H2 side of the SQL functions segments compile to (migration h2/V7 declares them with CREATE ALIAS);
 * PostgreSQL has the same two in SQL (postgresql/V7). Both must agree: lp_attr returns the attribute's text or
 * NULL; lp_num returns the number a text spells, or NULL when it is not one. The migration names this class and
 * its methods, so they keep their names and signatures.
 */
public final class SqlFunctions {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Also in postgresql/V7__segments.sql: change both or neither. */
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
    /** A scan over many rows calls lp_attr several times per row with the same JSON: parse it once. */
    private static final ThreadLocal<Object[]> LAST = new ThreadLocal<>();

    private SqlFunctions() {}

    public static String attr(String attributes, String name) {
        if (attributes == null || name == null) {
            return null;
        }
        Object[] last = LAST.get();
        JsonNode root;
        if (last != null && attributes.equals(last[0])) {
            root = (JsonNode) last[1];
        } else {
            try {
                root = JSON.readTree(attributes);
            } catch (Exception e) {
                return null; // as good as no attributes; a corrupt row should not fail a whole count
            }
            LAST.set(new Object[] {attributes, root});
        }
        JsonNode v = root == null ? null : root.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    public static BigDecimal num(String text) {
        return text != null && text.length() <= 60 && NUMBER.matcher(text).matches() ? new BigDecimal(text) : null;
    }
}
