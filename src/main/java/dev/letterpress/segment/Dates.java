package dev.letterpress.segment;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Dates compared with created_at: "2026-01-31" (midnight UTC), "2026-01-31T09:00" (UTC) or with an offset/Z. */
final class Dates {
    private Dates() {}

    static Instant parse(Expr.Value v) {
        String s = v.text().strip();
        try {
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e) {
                return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            }
        } catch (DateTimeParseException e) {
            throw new SegmentSyntaxException("expected a date such as \"2026-01-31\" or \"2026-01-31T09:00Z\" for created_at", v.column());
        }
    }
}
