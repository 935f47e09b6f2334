package dev.letterpress.api;

import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Stored issues read back and replaced, and the list and queue lookups the campaign and schedule answers show. */
final class IssueQueries {
    record StoredIssue(long id, String name, String document, Instant createdAt) {}

    record Queued(long position, long issueId, String name, Instant addedAt) {}

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("api");

    IssueQueries(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    Optional<StoredIssue> issue(long id) {
        return jdbc.one(sql.get("issue"), rs -> new StoredIssue(rs.getLong("id"), rs.getString("name"), rs.getString("document"),
                Jdbc.instant(rs, "created_at")), id);
    }

    /** Whether a campaign or a schedule's queue holds this issue: then it is what they send, and may not change. */
    boolean inUse(long id) {
        return jdbc.count(sql.get("issue-users"), id, id) > 0;
    }

    void update(long id, String name, String document) {
        jdbc.update(sql.get("update-issue"), name, document, id);
    }

    List<String> campaignLists(long campaignId) {
        return jdbc.query(sql.get("campaign-list-names"), rs -> rs.getString(1), campaignId);
    }

    List<String> scheduleLists(long scheduleId) {
        return jdbc.query(sql.get("schedule-list-names"), rs -> rs.getString(1), scheduleId);
    }

    List<Queued> queue(long scheduleId) {
        long[] position = {0};
        return jdbc.query(sql.get("schedule-queue"), rs -> new Queued(++position[0], rs.getLong("issue_id"), rs.getString("name"),
                Jdbc.instant(rs, "added_at")), scheduleId);
    }
}
