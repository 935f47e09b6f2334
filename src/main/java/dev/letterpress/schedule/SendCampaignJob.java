package dev.letterpress.schedule;

import dev.letterpress.delivery.DeliveryEngine;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;

/** Runs a campaign's send; if recipients wait for a retry, schedules itself again for then. */
@DisallowConcurrentExecution
final class SendCampaignJob implements Job {
    private static final java.time.Duration RETRY_AFTER_FAILURE = java.time.Duration.ofMinutes(1);
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SendCampaignJob.class);

    private final DeliveryEngine engine;
    private final Scheduling scheduling;

    SendCampaignJob(DeliveryEngine engine, Scheduling scheduling) {
        this.engine = engine;
        this.scheduling = scheduling;
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        long campaignId = context.getMergedJobDataMap().getLong(Scheduling.CAMPAIGN_ID);
        try {
            DeliveryEngine.Result result = engine.run(campaignId);
            log.info("campaign {}: run ended {} ({})", campaignId, result.kind(), result.detail());
            if (result.kind() == DeliveryEngine.Result.Kind.RETRY_LATER) {
                scheduling.scheduleCampaign(campaignId, result.retryAt());
            } else if (result.kind() == DeliveryEngine.Result.Kind.STOPPED) {
                // this node is stopping: leave a trigger in the job store for whichever node runs next
                // (if the scheduler refuses while shutting down, resumeInterrupted() at the next start covers it)
                try {
                    scheduling.scheduleCampaign(campaignId, java.time.Instant.now());
                } catch (RuntimeException e) {
                    log.info("campaign {}: no new trigger while shutting down ({}); the next start re-creates it", campaignId, e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            // The ledger holds the state; try again in a minute rather than leave the campaign without a trigger.
            log.error("campaign {}: send run failed; retrying from its ledger in {} s", campaignId, RETRY_AFTER_FAILURE.toSeconds(), e);
            scheduling.scheduleCampaign(campaignId, java.time.Instant.now().plus(RETRY_AFTER_FAILURE));
            throw new JobExecutionException("campaign #" + campaignId + ": " + e.getMessage(), e, false);
        }
    }
}
