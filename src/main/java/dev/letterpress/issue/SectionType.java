package dev.letterpress.issue;

import java.util.Map;

/** A section type: its schema; its templates live beside it as {@code <name>.ftlh} and {@code <name>.ftl}. */
public record SectionType(String name, String label, String description, Map<String, FieldSpec> fields) {}
