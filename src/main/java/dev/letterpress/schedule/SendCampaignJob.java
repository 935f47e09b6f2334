package dev.letterpress.schedule;

import dev.letterpress.delivery.DeliveryEngine;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;

/** Runs a campaign's send; if recipients wait for a retry, schedules itself again for then. */
@DisallowConcurrentExecution
final class SendCampaignJob implements Job {
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
            if (result.kind() == DeliveryEngine.Result.Kind.RETRY_LATER) {
                scheduling.scheduleCampaign(campaignId, result.retryAt());
            }
        } catch (RuntimeException e) {
            throw new JobExecutionException("campaign #" + campaignId + ": " + e.getMessage(), e, false);
        }
    }
}
