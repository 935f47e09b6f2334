package dev.letterpress;

import dev.letterpress.admin.Admin;
import dev.letterpress.admin.AdminAccounts;
import dev.letterpress.api.Api;
import dev.letterpress.api.SubscriberQueries;
import dev.letterpress.apikey.ApiKeys;
import dev.letterpress.config.Config;
import dev.letterpress.db.Database;
import dev.letterpress.db.Jdbc;
import dev.letterpress.delivery.CampaignStore;
import dev.letterpress.delivery.CampaignWatcher;
import dev.letterpress.delivery.DeliveryEngine;
import dev.letterpress.delivery.SoftBounces;
import dev.letterpress.delivery.DkimMailer;
import dev.letterpress.delivery.Mailer;
import dev.letterpress.delivery.SmtpPool;
import dev.letterpress.inbound.MailboxReader;
import dev.letterpress.issue.SectionTypes;
import dev.letterpress.render.IssueRenderer;
import dev.letterpress.render.TemplateRoot;
import dev.letterpress.render.Templates;
import dev.letterpress.schedule.Campaigns;
import dev.letterpress.schedule.Scheduling;
import dev.letterpress.schedule.WeeklySchedules;
import dev.letterpress.signup.ConfirmationMail;
import dev.letterpress.signup.DataRequests;
import dev.letterpress.signup.Signup;
import dev.letterpress.subscriber.ConsentLog;
import dev.letterpress.segment.SegmentStore;
import dev.letterpress.subscriber.CsvImporter;
import dev.letterpress.subscriber.DataRights;
import dev.letterpress.subscriber.SubscriberStore;
import dev.letterpress.tracking.EventBuffer;
import dev.letterpress.tracking.EventStore;
import dev.letterpress.tracking.LinkRegistry;
import dev.letterpress.tracking.PublicUrls;
import dev.letterpress.tracking.Secrets;
import dev.letterpress.tracking.TokenCodec;
import dev.letterpress.tracking.Tracker;
import dev.letterpress.web.MailboxView;
import dev.letterpress.web.PublicServer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the only class that knows every package. Builds everything by constructor in the
 * order of the flow (store, issue, render, delivery, schedule, tracking, web); {@link #start()} starts the
 * scheduler and the HTTP server; {@link #close()} stops them in reverse, letting sends record what they did.
 */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);

    public final Config config;
    public final Database db;
    public final SubscriberStore subscribers;
    public final CsvImporter importer;
    public final CampaignStore campaignStore;
    public final IssueRenderer renderer;
    public final EventStore events;
    public final Tracker tracker;
    public final PublicUrls urls;
    /** Signs and checks every public token (the URLs above are made with it). */
    public final TokenCodec tokens;
    public final LinkRegistry links;
    /** Opens and clicks on their way to the database; closed after the server, so none is lost on a stop. */
    public final EventBuffer eventBuffer;
    public final DeliveryEngine engine;
    public final Campaigns campaigns;
    public final WeeklySchedules weekly;
    public final ConsentLog consent;
    public final DataRights dataRights;
    public final Signup signup;
    public final SegmentStore segments;
    public final ApiKeys apiKeys;
    public final AdminAccounts admins;
    /** Bounces, complaints and mailto unsubscribes from the inbound mailbox (inbound.imap.*), when one is configured. */
    public final MailboxReader inbound;
    private final Scheduling scheduling;
    private final CampaignWatcher watcher;
    private final PublicServer server;
    private final Admin admin;
    private boolean started;
    /** The SMTP pool, unless another transport was plugged in. */
    private final SmtpPool pool;

    private App(Config config, Mailer mailer, MailboxView mailbox, Clock clock) {
        this.config = config;
        // built first: a DKIM key that cannot be read stops start-up before anything is opened
        this.pool = mailer != null ? null : SmtpPool.fromConfig(config, clock);
        Mailer transport = mailer != null ? mailer : pool;
        if (config.dkim().enabled()) {
            transport = DkimMailer.create(transport, config.dkim(), clock);
        }
        this.db = Database.open(config);
        Jdbc jdbc = db.jdbc();
        this.subscribers = new SubscriberStore(jdbc, clock);
        this.campaignStore = new CampaignStore(jdbc, clock);
        TemplateRoot root = TemplateRoot.resolve(config.templatesDir());
        Templates templates = new Templates(root);
        SectionTypes sectionTypes = SectionTypes.load(root.path());
        this.renderer = new IssueRenderer(templates, sectionTypes, config.sender());
        java.util.List<String> secrets = Secrets.trackingSecrets(config.trackingSecret(), jdbc);
        this.tokens = new TokenCodec(secrets);
        // keys the privacy hashes (consent records' IP addresses, erasure markers): stable across key rotation
        String secret = Secrets.privacySecret(jdbc, secrets.get(0));
        this.urls = new PublicUrls(config.http().publicBaseUrl(), tokens);
        this.links = new LinkRegistry(jdbc, config.sender().newsletterName());
        this.events = new EventStore(jdbc, clock);
        // one count of mailbox-full failures, whether an SMTP reply or a relay's later report says so
        SoftBounces softBounces = new SoftBounces(jdbc, clock);
        this.engine = new DeliveryEngine(campaignStore, db.dataSource(), renderer, subscribers, events, softBounces,
                transport, urls, links, config, clock, nodeName());
        this.scheduling = new Scheduling(db.dataSource(), db.isPostgres(), config.schedulerThreads());
        Scheduling triggers = scheduling;
        // a helper's run that ends waiting (a retry, a local time) leaves a trigger for then, as a Quartz run does
        this.watcher = new CampaignWatcher(engine, config.delivery().poll(), (id, at) -> {
            if (!triggers.hasPendingTrigger(id)) {
                triggers.scheduleCampaign(id, at);
            }
        });
        this.campaigns = new Campaigns(campaignStore, subscribers, renderer, scheduling, clock,
                config.smtpServers().stream().map(Config.Smtp::name).collect(java.util.stream.Collectors.toSet()));
        this.segments = new SegmentStore(jdbc, clock);
        this.weekly = new WeeklySchedules(jdbc, subscribers, campaigns, scheduling, segments, clock);
        scheduling.wire(engine, weekly);
        this.eventBuffer = new EventBuffer(jdbc, config.trackingIndividual());
        this.tracker = new Tracker(tokens, links, events, subscribers, jdbc, clock, eventBuffer);
        this.consent = new ConsentLog(jdbc, secret, clock);
        this.inbound = new MailboxReader(config.inbound(), jdbc, subscribers, events, tracker, consent, softBounces, nodeName(), clock);
        this.dataRights = new DataRights(jdbc, consent, eventBuffer::flush, clock);
        this.importer = new CsvImporter(db.dataSource(), clock, dataRights::erasedMarker, config.dataDir().resolve("import-runs"));
        ConfirmationMail transactional = new ConfirmationMail(templates, config, clock);
        this.signup = new Signup(subscribers, consent, dataRights, tokens, transport, transactional, config, clock);
        DataRequests dataRequests = new DataRequests(subscribers, tokens, transport, transactional, config, clock);
        this.apiKeys = new ApiKeys(jdbc, clock);
        Api api = new Api(new Api.Limits(config.api().maxBodyBytes(), config.api().maxUploadBytes()), apiKeys, jdbc, subscribers,
                importer, campaignStore, campaigns, weekly, renderer, events, transport, config.http().publicBaseUrl().toString(), dataRights, clock);
        this.admins = new AdminAccounts(jdbc, clock);
        this.admin = new Admin(new Admin.Parts(jdbc, clock, config.adminSessionIdle(), templates, config.sender().newsletterName(),
                config.http().publicBaseUrl().toString(), admins, sectionTypes, renderer, campaigns, campaignStore, events, subscribers,
                new SubscriberQueries(jdbc, clock), importer, dataRights, segments, weekly, transport, config.api().maxUploadBytes()));
        this.server = new PublicServer(config, templates, tracker, subscribers, campaignStore, renderer, urls, links, clock, mailbox,
                signup, dataRights, dataRequests, consent, routes -> {
                    api.register(routes);
                    admin.register(routes);
                });
    }

    /** Builds the app over SMTP from the config; nothing runs until {@link #start()}. */
    public static App create(Config config) {
        return new App(config, null, null, Clock.systemUTC());
    }

    /** Builds the app with another mail transport and, for the demo, a mailbox page. */
    public static App create(Config config, Mailer mailer, MailboxView mailbox, Clock clock) {
        return new App(config, mailer, mailbox, clock);
    }

    /** Just the issue checker and renderer: validating an issue needs no database. */
    public static IssueRenderer issueRenderer(Config config) {
        TemplateRoot root = TemplateRoot.resolve(config.templatesDir());
        return new IssueRenderer(new Templates(root), SectionTypes.load(root.path()), config.sender());
    }

    /** Starts sending (scheduler, interrupted campaigns resume from their ledger) and serving. */
    public App start() {
        try {
            scheduling.start();
            int resumed = campaigns.resumeInterrupted();
            if (resumed > 0) {
                log.info("resuming {} interrupted campaign(s) from their ledger", resumed);
            }
            watcher.start();
            inbound.start();
            server.start();
        } catch (RuntimeException e) {
            // e.g. the HTTP port is taken: release what did start (database, scheduler, this JVM's one-app guard)
            close();
            throw e;
        }
        started = true;
        return this;
    }

    public int httpPort() {
        return server.port();
    }

    /** Every HTTP route the server has, as "GET /path" (the API's OpenAPI test compares its document with these). */
    public java.util.List<String> httpRoutes() {
        return server.routes();
    }

    @Override
    public void close() {
        engine.stop();
        if (started) {
            server.close();
        }
        admin.close();
        inbound.close();
        eventBuffer.close();
        watcher.close();
        signup.close();
        scheduling.close();
        if (pool != null) {
            pool.closeIdle();
        }
        db.close();
    }

    private static String nodeName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        long pid = ManagementFactory.getRuntimeMXBean().getPid();
        return host + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
