package dev.letterpress.schedule;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.quartz.CronScheduleBuilder;
import dev.letterpress.delivery.DeliveryEngine;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.spi.JobFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Quartz on its JDBC job store in our own database, so schedules survive restarts. Jobs are thin: they get
 * their collaborators from our {@link JobFactory} and keep only ids in their JobDataMap.
 */
public final class Scheduling implements AutoCloseable {
    static final String CAMPAIGN_ID = "campaignId";
    static final String SCHEDULE_ID = "scheduleId";

    private final Scheduler scheduler;
    private final String dataSourceName;

    private volatile DeliveryEngine engine;
    private volatile WeeklySchedules weekly;

    public Scheduling(DataSource ds, boolean postgres, int threads) {
        // Quartz keeps one live scheduler per name per JVM, and the name is also the key of our rows in its
        // tables, so it must stay "letterpress": a second open app in this JVM would silently share the first
        // one's scheduler (and database). Refuse that instead. Apps opened one after another are fine.
        if (org.quartz.impl.SchedulerRepository.getInstance().lookup("letterpress") != null) {
            throw new IllegalStateException("another Letterpress app is already open in this JVM; close it first"
                    + " (run further nodes as separate processes)");
        }
        // The connection provider registry is JVM-global too: a fresh name per app, so a reopened app gets its own pool.
        this.dataSourceName = "letterpress-" + UUID.randomUUID();
        DBConnectionManager.getInstance().addConnectionProvider(dataSourceName, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return ds.getConnection();
            }

            @Override
            public void shutdown() {
                // the pool belongs to the app, which closes it
            }

            @Override
            public void initialize() {
            }
        });
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "letterpress");
        // On PostgreSQL several nodes share the job store: Quartz runs clustered, each trigger fires on one node.
        p.setProperty("org.quartz.scheduler.instanceId", postgres ? "AUTO" : "NON_CLUSTERED");
        p.setProperty("org.quartz.jobStore.isClustered", Boolean.toString(postgres));
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        // Another process (the CLI) may add triggers: look for them at least every 5 s.
        p.setProperty("org.quartz.scheduler.idleWaitTime", "5000");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", postgres
                ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate" : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        try {
            StdSchedulerFactory factory = new StdSchedulerFactory(p);
            this.scheduler = factory.getScheduler();
            scheduler.setJobFactory(jobFactory());
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot create the scheduler: " + e.getMessage(), e);
        }
    }

    /** Jobs get their collaborators from here; set before {@link #start()}. */
    public void wire(DeliveryEngine engine, WeeklySchedules weekly) {
        this.engine = engine;
        this.weekly = weekly;
    }

    private JobFactory jobFactory() {
        return (bundle, s) -> {
            if (bundle.getJobDetail().getJobClass() == SendCampaignJob.class) {
                return new SendCampaignJob(engine, this);
            }
            if (bundle.getJobDetail().getJobClass() == WeeklyScheduleJob.class) {
                return new WeeklyScheduleJob(weekly);
            }
            throw new SchedulerException("unknown job class " + bundle.getJobDetail().getJobClass());
        };
    }

    public void start() {
        if (engine == null || weekly == null) {
            throw new IllegalStateException("wire(engine, weekly) must be called before start()");
        }
        try {
            scheduler.start();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start the scheduler: " + e.getMessage(), e);
        }
    }

    /** Sends the campaign at {@code when} (now or in the past: at once). A misfire after downtime fires on start. */
    public void scheduleCampaign(long campaignId, Instant when) {
        JobKey key = campaignJob(campaignId);
        try {
            if (!scheduler.checkExists(key)) {
                JobDetail job = JobBuilder.newJob(SendCampaignJob.class).withIdentity(key)
                        .usingJobData(CAMPAIGN_ID, campaignId).storeDurably().build();
                scheduler.addJob(job, false);
            }
            Trigger trigger = TriggerBuilder.newTrigger()
                    .withIdentity(TriggerKey.triggerKey("campaign-" + campaignId + "-" + UUID.randomUUID(), "campaigns"))
                    .forJob(key)
                    .startAt(Date.from(when))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                    .build();
            scheduler.scheduleJob(trigger);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule campaign #" + campaignId + ": " + e.getMessage(), e);
        }
    }

    /** True when the campaign has a trigger waiting (so a restart need not add one). */
    public boolean hasPendingTrigger(long campaignId) {
        try {
            return !scheduler.getTriggersOfJob(campaignJob(campaignId)).isEmpty();
        } catch (SchedulerException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A weekly trigger at {@code hour:minute} on {@code days} (Quartz day names, e.g. MON,THU) in {@code zone}. */
    public void scheduleWeekly(long scheduleId, String days, int hour, int minute, ZoneId zone) {
        JobKey key = JobKey.jobKey("schedule-" + scheduleId, "schedules");
        try {
            JobDetail job = JobBuilder.newJob(WeeklyScheduleJob.class).withIdentity(key)
                    .usingJobData(SCHEDULE_ID, scheduleId).storeDurably().build();
            Trigger trigger = TriggerBuilder.newTrigger()
                    .withIdentity(TriggerKey.triggerKey("schedule-" + scheduleId, "schedules"))
                    .forJob(key)
                    .withSchedule(weekly(days, hour, minute, zone))
                    .build();
            scheduler.addJob(job, true);
            scheduler.scheduleJob(trigger);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule weekly schedule #" + scheduleId + ": " + e.getMessage(), e);
        }
    }

    /** Fires a weekly schedule's job once now, through Quartz as its trigger would (the tests' way to a real firing). */
    void fireWeeklyNow(long scheduleId) {
        try {
            scheduler.triggerJob(JobKey.jobKey("schedule-" + scheduleId, "schedules"));
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot fire weekly schedule #" + scheduleId + ": " + e.getMessage(), e);
        }
    }

    /** The next firing of a weekly schedule, or null. */
    public Instant nextWeeklyFire(long scheduleId) {
        try {
            Trigger t = scheduler.getTrigger(TriggerKey.triggerKey("schedule-" + scheduleId, "schedules"));
            return t == null || t.getNextFireTime() == null ? null : t.getNextFireTime().toInstant();
        } catch (SchedulerException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A cron schedule in the schedule's own zone: Quartz keeps the local time across daylight-saving changes.
     * A firing missed while no node ran fires once on start, then the schedule proceeds.
     */
    static CronScheduleBuilder weekly(String days, int hour, int minute, ZoneId zone) {
        return CronScheduleBuilder.cronSchedule("0 " + minute + " " + hour + " ? * " + days)
                .inTimeZone(java.util.TimeZone.getTimeZone(zone))
                .withMisfireHandlingInstructionFireAndProceed();
    }

    static JobKey campaignJob(long campaignId) {
        return JobKey.jobKey("campaign-" + campaignId, "campaigns");
    }

    /**
     * Waits for running jobs (the engine has been asked to stop first, so that is quick). A scheduler that never
     * started has no jobs to wait for; not waiting saves Quartz's 500 ms worker poll on every CLI command.
     */
    @Override
    public void close() {
        try {
            scheduler.shutdown(scheduler.isStarted());
        } catch (SchedulerException e) {
            throw new IllegalStateException(e);
        }
    }
}
