package dev.letterpress.issue;

import java.util.Map;

/** One field of a section type's schema ({@code email/sections/<type>.json}). */
public record FieldSpec(String name, Type type, boolean required, int maxLength, int minItems, String zoneField,
                        Map<String, FieldSpec> itemFields, String label) {
    public enum Type { TEXT, MARKDOWN, URL, DATETIME, ZONE, LIST }
}
