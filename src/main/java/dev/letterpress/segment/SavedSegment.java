package dev.letterpress.segment;

import java.time.Instant;

/** A named segment as stored; {@link #segment()} parses its expression again (stored ones always parse). */
public record SavedSegment(long id, String name, String expression, Instant createdAt) {
    public Segment segment() {
        return Segment.parse(expression);
    }
}
