package dev.letterpress.api;

import dev.letterpress.segment.SavedSegment;
import dev.letterpress.segment.Segment;
import dev.letterpress.segment.SegmentStore;
import dev.letterpress.segment.SegmentSyntaxException;
import dev.letterpress.subscriber.Subscriber;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/**
 * Saved segments: attribute filters in the segment language (see the README's Segments), compiled to SQL with
 * bound values, never raw SQL. The list does not count members (each count reads the subscribers); one segment,
 * and a preview of an expression before saving it, do.
 */
final class SegmentsApi {
    record SegmentView(long id, String name, String expression, Instant createdAt, Long matching) {}

    record PreviewView(String expression, long matching, List<Subscriber> first) {}

    private final SegmentStore segments;
    private final Api.Limits limits;

    SegmentsApi(SegmentStore segments, Api.Limits limits) {
        this.segments = segments;
        this.limits = limits;
    }

    /** GET /api/segments */
    void all(Context ctx) {
        Json.send(ctx, 200, segments.list().stream().map(s -> view(s, null)).toList());
    }

    /** POST /api/segments: {name, expression}; a bad expression is a 400 naming where it went wrong. */
    void create(Context ctx) {
        Body body = Json.object(ctx, limits.maxBodyBytes()).only("name", "expression");
        String name = body.requireString("name", 200);
        Segment segment = parse(body.requireString("expression", 2000));
        if (segments.find(name.strip()).isPresent()) {
            throw ApiError.conflict("name", "a segment named '" + Body.abbreviate(name) + "' already exists");
        }
        SavedSegment saved;
        try {
            saved = segments.create(name, segment.expression());
        } catch (IllegalArgumentException e) {
            throw e.getMessage().contains("already exists") ? ApiError.conflict("name", e.getMessage()) : ApiError.badRequest("name", e.getMessage());
        }
        Json.send(ctx, 201, view(saved, segments.count(segment)));
    }

    /** GET /api/segments/{name}: the segment and how many subscribers match it now. */
    void get(Context ctx) {
        SavedSegment s = require(ctx);
        Json.send(ctx, 200, view(s, segments.count(s.segment())));
    }

    /** DELETE /api/segments/{name}. Schedules name their segment: a firing after this records a skip. */
    void delete(Context ctx) {
        SavedSegment s = require(ctx);
        segments.delete(s.name());
        Json.send(ctx, 200, view(s, null));
    }

    /** POST /api/segments/preview: {expression, limit}: how many match and the first of them, nothing saved. */
    void preview(Context ctx) {
        Body body = Json.object(ctx, limits.maxBodyBytes()).only("expression", "limit");
        Segment segment = parse(body.requireString("expression", 2000));
        Long limit = body.longValue("limit");
        if (limit != null && (limit < 1 || limit > 100)) {
            throw ApiError.badRequest("limit", "1 to 100 subscribers to show (default 10)");
        }
        Json.send(ctx, 200, new PreviewView(segment.expression(), segments.count(segment), segments.preview(segment, limit == null ? 10 : limit.intValue())));
    }

    private static Segment parse(String expression) {
        try {
            return Segment.parse(expression);
        } catch (SegmentSyntaxException e) {
            throw ApiError.badRequest("expression", e.getMessage());
        }
    }

    private SavedSegment require(Context ctx) {
        String name = ctx.pathParam("name");
        return segments.find(name).orElseThrow(() -> ApiError.notFound("no segment named '" + Body.abbreviate(name) + "'"));
    }

    private static SegmentView view(SavedSegment s, Long matching) {
        return new SegmentView(s.id(), s.name(), s.expression(), s.createdAt(), matching);
    }
}
