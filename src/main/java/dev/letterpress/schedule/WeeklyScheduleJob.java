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
            weekly.fire(scheduleId);
        } catch (RuntimeException e) {
            throw new JobExecutionException("weekly schedule #" + scheduleId + ": " + e.getMessage(), e, false);
        }
    }
}
