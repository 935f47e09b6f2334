package dev.letterpress.inbound;

import dev.letterpress.config.Config;
import dev.letterpress.db.DataException;
import dev.letterpress.db.Jdbc;
import dev.letterpress.db.Sql;
import dev.letterpress.delivery.SoftBounces;
import dev.letterpress.subscriber.ConsentLog;
import dev.letterpress.subscriber.SubscriberStore;
import dev.letterpress.tracking.EventStore;
import dev.letterpress.tracking.Tracker;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.FolderClosedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the inbound mailbox over IMAP (Jakarta Mail) and hands each new mail to {@link InboundHandler}. Mails it
 * handled are deleted; the rest (people's replies, reports about mail we did not send) stay exactly as they were:
 * bodies are fetched with PEEK, so nothing is marked read, and a position (the highest UID read, kept in the
 * database with the mailbox's UIDVALIDITY) means they are not read again. One node reads at a time: a lease
 * in the same table. A crash between acting and saving the position means a mail is read twice, which the
 * handler makes harmless.
 */
public final class MailboxReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MailboxReader.class);
    /** Longer than any poll takes; a node that died holding the lease is replaced after this. */
    private static final Duration LEASE = Duration.ofMinutes(10);
    /** Bounces carry the returned message, often whole; more than this is not a report worth downloading. */
    private static final int MAX_REPORT_BYTES = 10 << 20;

    /** What one pass did: counts per outcome. */
    public record Pass(int read, Map<InboundHandler.Outcome, Integer> outcomes, boolean leased) {
        public int count(String outcome) {
            return outcomes.getOrDefault(InboundHandler.Outcome.valueOf(outcome), 0);
        }
    }

    private final Config.Inbound config;
    private final Jdbc jdbc;
    private final Sql sql = Sql.load("inbound");
    private final InboundHandler handler;
    private final String node;
    private final Clock clock;
    private final String mailbox;
    private ScheduledExecutorService timer;

    public MailboxReader(Config.Inbound config, Jdbc jdbc, SubscriberStore subscribers, EventStore events, Tracker tracker,
                         ConsentLog consent, SoftBounces softBounces, String node, Clock clock) {
        this.config = config;
        this.jdbc = jdbc;
        this.handler = new InboundHandler(jdbc, subscribers, events, tracker, consent, softBounces);
        this.node = node;
        this.clock = clock;
        this.mailbox = config.username() + "@" + config.host() + ":" + config.port() + "/" + config.folder();
    }

    /** Reads the mailbox every inbound.poll from now on, if a host is configured. */
    public void start() {
        if (!config.enabled()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "inbound-mail");
            t.setDaemon(true);
            return t;
        });
        long every = config.poll().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                Pass p = pass();
                if (p.read() > 0) {
                    log.info("inbound mail: {} read, {}", p.read(), p.outcomes());
                }
            } catch (Throwable e) { // anything escaping would end the schedule without a word
                log.warn("reading inbound mail from {} failed; trying again in {}: {}", mailbox, config.poll(), e.toString());
            }
        }, Math.min(every, 5_000), every, TimeUnit.MILLISECONDS);
    }

    /** One pass over the new mail; a pass that finds another node's lease reads nothing. */
    public Pass pass() {
        if (!config.enabled()) {
            throw new IllegalStateException("inbound.imap.host is empty: set it (and inbound.imap.username, inbound.imap.password) "
                    + "to the mailbox that receives bounces, complaints and mailto unsubscribes");
        }
        try {
            jdbc.update(sql.get("mailbox-create"), mailbox, mailbox);
        } catch (DataException raced) {
            // another node created the row between our check and insert: the lease below decides
        }
        Instant now = clock.instant();
        if (jdbc.update(sql.get("mailbox-lease"), node, now.plus(LEASE), mailbox, now, node) == 0) {
            return new Pass(0, Map.of(), false);
        }
        try {
            return read();
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("cannot read " + mailbox + ": " + e.getMessage(), e);
        } finally {
            jdbc.update(sql.get("mailbox-release"), mailbox, node);
        }
    }

    private Pass read() throws MessagingException, IOException {
        Map<InboundHandler.Outcome, Integer> outcomes = new EnumMap<>(InboundHandler.Outcome.class);
        int read = 0;
        Store store = session().getStore(config.security() == Config.Security.TLS ? "imaps" : "imap");
        store.connect(config.host(), config.port(), config.username(), config.password());
        try {
            Folder folder = store.getFolder(config.folder());
            folder.open(Folder.READ_WRITE);
            List<Message> handled = new ArrayList<>();
            try {
                UIDFolder uids = (UIDFolder) folder;
                long validity = uids.getUIDValidity();
                long[] position = jdbc.one(sql.get("mailbox-position"), rs -> new long[] {rs.getLong(1), rs.getLong(2)}, mailbox)
                        .orElse(new long[] {0, 0});
                // a new UIDVALIDITY means the server renumbered the folder: read it all again (acting twice is harmless)
                long after = position[0] == validity ? position[1] : 0;
                long last = after;
                Message[] messages = uids.getMessagesByUID(after + 1, UIDFolder.LASTUID);
                FetchProfile headers = new FetchProfile(); // one round trip for what every mail is first judged by
                headers.add(UIDFolder.FetchProfileItem.UID);
                headers.add(FetchProfile.Item.SIZE);
                headers.add("Content-Type");
                headers.add("Subject");
                folder.fetch(messages, headers);
                long leaseRenewed = System.nanoTime();
                for (Message message : messages) {
                    long uid = uids.getUID(message);
                    if (uid <= after || message.isExpunged()) {
                        continue; // "n:*" answers the last message even when it is older than n
                    }
                    read++;
                    InboundHandler.Result r = handle(folder, (MimeMessage) message, uid);
                    outcomes.merge(r.outcome(), 1, Integer::sum);
                    if (r.handled()) {
                        handled.add(message);
                        log.info("inbound mail UID {}: {} ({})", uid, r.outcome(), r.detail());
                    }
                    last = Math.max(last, uid);
                    if (System.nanoTime() - leaseRenewed > LEASE.toNanos() / 4) {
                        renewLease(); // a first pass over a big mailbox may take longer than one lease
                        leaseRenewed = System.nanoTime();
                    }
                }
                remove(store, folder, handled);
                jdbc.update(sql.get("mailbox-advance"), validity, last, mailbox, node);
            } finally {
                folder.close(false);
            }
        } finally {
            store.close();
        }
        return new Pass(read, outcomes, true);
    }

    private void renewLease() {
        Instant now = clock.instant();
        if (jdbc.update(sql.get("mailbox-lease"), node, now.plus(LEASE), mailbox, now, node) == 0) {
            throw new IllegalStateException("lost the lease on " + mailbox + " to another node");
        }
    }

    /**
     * Deletes the handled mails and only them: with UIDPLUS (RFC 4315) by UID EXPUNGE. A plain EXPUNGE would also
     * remove mails the owner marked deleted, so without UIDPLUS the handled mails are only marked read.
     */
    private static void remove(Store store, Folder folder, List<Message> handled) throws MessagingException {
        if (handled.isEmpty()) {
            return;
        }
        Message[] mails = handled.toArray(Message[]::new);
        if (store instanceof IMAPStore imap && imap.hasCapability("UIDPLUS") && folder instanceof IMAPFolder f) {
            f.setFlags(mails, new Flags(Flags.Flag.DELETED), true);
            f.expunge(mails);
        } else {
            folder.setFlags(mails, new Flags(Flags.Flag.SEEN), true);
        }
    }

    /**
     * Decides from the header alone whether a mail can be ours (a report, or an unsubscribe subject); only then is
     * the whole mail fetched and parsed here: a person's reply with attachments is never downloaded, and parsing
     * locally does not depend on the server's BODYSTRUCTURE (which some servers get wrong for nested messages).
     * A mail that cannot be read or parsed is left for a person; a lost connection or a database failure ends the
     * pass before the position moves past it, so it is read again next time.
     */
    private InboundHandler.Result handle(Folder folder, MimeMessage message, long uid) throws MessagingException, IOException {
        String[] type = message.getHeader("Content-Type");
        String[] subject = message.getHeader("Subject");
        boolean report = type != null && type[0].toLowerCase(Locale.ROOT).contains("multipart/report");
        boolean unsubscribe = subject != null && MimeUtility.decodeText(MimeUtility.unfold(subject[0])).contains("unsubscribe-");
        if (!report && !unsubscribe) {
            return new InboundHandler.Result(InboundHandler.Outcome.NOT_OURS, "neither a report nor an unsubscribe request");
        }
        if (message.getSize() > MAX_REPORT_BYTES) {
            return new InboundHandler.Result(InboundHandler.Outcome.NOT_OURS, "too large for a report (" + message.getSize() + " bytes)");
        }
        try {
            return handler.handle(new MimeMessage(message)); // the copy fetches the raw mail (BODY.PEEK[]) and parses it here
        } catch (DataException e) {
            throw e;
        } catch (MessagingException | IOException | RuntimeException e) {
            if (!folder.isOpen() || !folder.getStore().isConnected()) {
                throw new FolderClosedException(folder, "connection lost while reading UID " + uid + ": " + e.getMessage());
            }
            log.warn("inbound mail UID {} could not be read; left for a person: {}", uid, e.toString());
            return new InboundHandler.Result(InboundHandler.Outcome.NOT_OURS, "unreadable: " + e.getMessage());
        }
    }

    private Session session() {
        Properties p = new Properties();
        String timeout = Long.toString(config.timeout().toMillis());
        for (String proto : new String[] {"imap", "imaps"}) {
            p.setProperty("mail." + proto + ".connectiontimeout", timeout);
            p.setProperty("mail." + proto + ".timeout", timeout);
            // fetch bodies with BODY.PEEK: a mail we leave for a person must still look unread to them
            p.setProperty("mail." + proto + ".peek", "true");
        }
        if (config.security() == Config.Security.STARTTLS) {
            p.setProperty("mail.imap.starttls.enable", "true");
            p.setProperty("mail.imap.starttls.required", "true");
        }
        return Session.getInstance(p);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdown();
            try {
                timer.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
