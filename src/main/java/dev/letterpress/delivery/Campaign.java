package dev.letterpress.delivery;

import java.time.Instant;

public record Campaign(long id, String name, long issueId, String status, String statusReason, Instant sendAt,
                       boolean audienceFrozen, Integer audienceSize, Instant createdAt, Instant startedAt, Instant finishedAt) {
    public static final String SCHEDULED = "scheduled";
    public static final String RUNNING = "running";
    public static final String PAUSED = "paused";
    public static final String FINISHED = "finished";
    public static final String CANCELLED = "cancelled";

    public boolean isOver() {
        return FINISHED.equals(status) || CANCELLED.equals(status);
    }
}
