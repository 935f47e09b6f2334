package dev.letterpress.schedule;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;

/** One firing of a weekly schedule: send the next ready issue of its queue, or record a skip. */
@DisallowConcurrentExecution
final class WeeklyScheduleJob implements Job {
    private final WeeklySchedules weekly;

    WeeklyScheduleJob(WeeklySchedules weekly) {
        this.weekly = weekly;
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        long scheduleId = context.getMergedJobDataMap().getLong(Scheduling.SCHEDULE_ID);
        try {
            // the planned time, not now: a firing delayed by downtime still belongs to its own date
            java.util.Date planned = context.getScheduledFireTime();
            weekly.fire(scheduleId, planned == null ? java.time.Instant.now() : planned.toInstant());
        } catch (RuntimeException e) {
            throw new JobExecutionException("weekly schedule #" + scheduleId + ": " + e.getMessage(), e, false);
        }
    }
}
