package dev.letterpress.admin;

import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The reads and writes of stored issues and schedule queues that the admin's pages need and no store offers. */
final class AdminQueries {
    record IssueRow(long id, String name, Instant createdAt) {}

    record StoredIssue(long id, String name, String document) {}

    record Queued(long issueId, String name, Instant addedAt, String state) {}

    private final Jdbc jdbc;
    private final Sql sql = Sql.load("admin");

    AdminQueries(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    List<IssueRow> recentIssues(int limit) {
        return jdbc.query(sql.get("recent-issues"), rs -> new IssueRow(rs.getLong("id"), rs.getString("name"), Jdbc.instant(rs, "created_at")), limit);
    }

    Optional<StoredIssue> issue(long id) {
        return jdbc.one(sql.get("issue"), rs -> new StoredIssue(rs.getLong("id"), rs.getString("name"), rs.getString("document")), id);
    }

    boolean inUse(long issueId) {
        return jdbc.count(sql.get("issue-in-use"), issueId, issueId) > 0;
    }

    void updateIssue(long id, String name, String document) {
        jdbc.update(sql.get("update-issue"), name, document, id);
    }

    List<Queued> queue(long scheduleId) {
        return jdbc.query(sql.get("schedule-queue"), rs -> new Queued(rs.getLong("issue_id"), rs.getString("name"),
                Jdbc.instant(rs, "added_at"), rs.getString("state")), scheduleId);
    }

    List<String> scheduleLists(long scheduleId) {
        return jdbc.query(sql.get("schedule-list-names"), rs -> rs.getString(1), scheduleId);
    }

    List<String> campaignLists(long campaignId) {
        return jdbc.query(sql.get("campaign-list-names"), rs -> rs.getString(1), campaignId);
    }
}
