package dev.letterpress.issue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** A validated issue: header fields and the ordered, typed sections (their fields as validated JSON). */
public record Issue(String subject, String preheader, Sender sender, List<Section> sections, String json) {
    public record Sender(String name, String email) {}

    public record Section(int index, String type, ObjectNode fields) {
        public String path() {
            return "sections[" + index + "]";
        }
    }
}
