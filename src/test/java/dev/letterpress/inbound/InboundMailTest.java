package dev.letterpress.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.subscriber.Subscriber;
import dev.letterpress.subscriber.Subscription;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inbound mailbox over real IMAP (GreenMail): a campaign goes out over SMTP, then what comes back is delivered
 * to the bounce mailbox as a relay, a mailbox provider's feedback loop, a mail client and a person would send it.
 */
public class InboundMailTest {
    private static final String MAILBOX = "bounces@news.example.com";

    @TempDir
    Path dir;
    GreenMail mail;
    App app;
    long campaign;
    Map<String, MimeMessage> sent = new HashMap<>();

    @BeforeEach
    void sendACampaign() throws Exception {
        mail = new GreenMail(new ServerSetup[] {
                new ServerSetup(TestSupport.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(TestSupport.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        mail.start();
        mail.setUser(MAILBOX, "bounces", "secret");
        app = App.create(TestSupport.config(dir, mail.getSmtp().getPort(), Map.of(
                "inbound.imap.host", "127.0.0.1",
                "inbound.imap.port", Integer.toString(mail.getImap().getPort()),
                "inbound.imap.security", "none",
                "inbound.imap.username", "bounces",
                "inbound.imap.password", "secret",
                "inbound.poll", "1h", // passes are run by the test
                "bounce.address", MAILBOX))).start();
        TestSupport.importReaders(app, "Weekly", 4);
        campaign = app.campaigns.create("inbound", TestSupport.demoIssue(), List.of("Weekly"), null);
        TestSupport.await("4 messages", Duration.ofSeconds(30), () -> mail.getReceivedMessages().length >= 4);
        for (MimeMessage m : mail.getReceivedMessages()) {
            sent.put(TestSupport.recipient(m), m);
        }
    }

    @AfterEach
    void stop() {
        app.close();
        mail.stop();
    }

    @Test
    void bouncesComplaintsAndMailtoUnsubscribesAreActedOnAndPeoplesMailIsLeftAlone() throws Exception {
        deliver(TestReports.dsn(messageId("reader0@example.com"), "reader0@example.com", "failed", "5.1.1", "smtp; 550 5.1.1 <reader0@example.com>: user unknown"));
        deliver(TestReports.arf(messageId("reader1@example.com")));
        deliver(mailto(listUnsubscribeSubject("reader2@example.com")));
        String forged = messageId("reader3@example.com").replaceFirst("\\.([0-9a-z]+)@", ".forged1@");
        deliver(TestReports.dsn(forged, "reader3@example.com", "failed", "5.1.1", "smtp; 550 5.1.1 no such user"));
        deliver(mailto("unsubscribe-" + "A".repeat(40)));
        deliver(TestReports.dsn(messageId("reader3@example.com"), "reader3@example.com", "delayed", "4.4.1", "smtp; 421 try again later"));
        deliver(TestReports.parse("From: Ann Reader <reader3@example.com>\r\nTo: " + MAILBOX + "\r\nSubject: Re: your newsletter\r\n"
                + "In-Reply-To: " + messageId("reader3@example.com") + "\r\nMessage-ID: <reply-1@example.com>\r\n\r\nLoved this week's issue!\r\n"));

        MailboxReader.Pass pass = app.inbound.pass();

        assertThat(pass.read()).isEqualTo(7);
        assertThat(pass.count("BOUNCE")).isEqualTo(1);
        assertThat(pass.count("COMPLAINT")).isEqualTo(1);
        assertThat(pass.count("UNSUBSCRIBE")).isEqualTo(1);
        assertThat(pass.count("DELAYED")).isEqualTo(1);
        assertThat(pass.count("NOT_OURS")).isEqualTo(3); // the forged report, the bad token, the person's reply
        // the bounce: an event for the campaign and a suppressed address (5.1.1: the address is bad)
        assertThat(suppression("reader0@example.com")).isEqualTo("hard-bounce");
        assertThat(app.events.rareCounts(campaign).get("bounce").total()).isEqualTo(1);
        assertThat(app.events.bouncedAfterSending(campaign)).isEqualTo(1); // accepted by the relay, then bounced
        // the complaint: a complaint event, off every list, and suppressed
        assertThat(app.events.rareCounts(campaign).get("complaint").total()).isEqualTo(1);
        assertThat(statuses("reader1@example.com")).containsOnly(Subscription.UNSUBSCRIBED);
        assertThat(suppression("reader1@example.com")).isEqualTo("complaint");
        // the mailto: off that list, not suppressed
        assertThat(statuses("reader2@example.com")).containsOnly(Subscription.UNSUBSCRIBED);
        assertThat(suppression("reader2@example.com")).isNull();
        // both are in the subscribers' consent records, as a one-click unsubscribe would be
        assertThat(consentSources("reader1@example.com")).anySatisfy(c -> assertThat(c).contains("spam complaint (abuse)"));
        assertThat(consentSources("reader2@example.com")).anySatisfy(c -> assertThat(c).contains("mailto (List-Unsubscribe)"));
        assertThat(app.events.rareCounts(campaign).get("unsubscribe").total()).isEqualTo(2);
        // the forged report, the delay and the reply changed nothing for reader3
        assertThat(suppression("reader3@example.com")).isNull();
        assertThat(statuses("reader3@example.com")).containsOnly(Subscription.CONFIRMED);
        // what was handled is gone; what is left is as it was: unread
        List<String> left = remaining();
        assertThat(left).hasSize(3).contains("Re: your newsletter unseen");
        assertThat(left).allSatisfy(s -> assertThat(s).endsWith(" unseen"));

        // the next pass reads nothing again; the same bounce delivered a second time records no second bounce
        assertThat(app.inbound.pass().read()).isZero();
        deliver(TestReports.dsn(messageId("reader0@example.com"), "reader0@example.com", "failed", "5.1.1", "smtp; 550 5.1.1 user unknown"));
        MailboxReader.Pass again = app.inbound.pass();
        assertThat(again.read()).isEqualTo(1);
        assertThat(again.count("BOUNCE")).isEqualTo(1);
        assertThat(app.events.rareCounts(campaign).get("bounce").total()).isEqualTo(1);
        assertThat(remaining()).hasSize(3);
    }

    @Test
    void theEnvelopeSenderIsTheBounceMailboxSoRelaysBounceThere() throws Exception {
        MimeMessage received = sent.get("reader0@example.com");
        assertThat(received.getHeader("Return-Path", null)).isEqualTo("<" + MAILBOX + ">");
        assertThat(received.getFrom()[0].toString()).doesNotContain(MAILBOX);
    }

    @Test
    void aPolicyRejectionIsRecordedButDoesNotSuppressAndAForwardedBounceDoesNotSuppressTheReader() throws Exception {
        deliver(TestReports.dsn(messageId("reader0@example.com"), "reader0@example.com", "failed", "5.7.1", "smtp; 550 5.7.1 message rejected as spam"));
        deliver(TestReports.dsn(messageId("reader1@example.com"), "old-job@corp.example", "failed", "5.1.1", "smtp; 550 5.1.1 no such user"));

        MailboxReader.Pass pass = app.inbound.pass();

        assertThat(pass.count("BOUNCE")).isEqualTo(2);
        assertThat(app.events.rareCounts(campaign).get("bounce").total()).isEqualTo(2);
        assertThat(suppression("reader0@example.com")).isNull();
        assertThat(suppression("reader1@example.com")).isNull();
        assertThat(app.events.bounces(campaign, 10)).anySatisfy(b -> assertThat(b.detail()).contains("forwarding address"));
    }

    @Test
    void aRelaysReportsOfAFullMailboxInThreeCampaignsSuppressItThoughItAcceptedEveryIssue() throws Exception {
        String full = "smtp; 552 5.2.2 <reader2@example.com>: mailbox full";
        String first = messageId("reader2@example.com");
        // the relay still trying says nothing yet; one campaign reported twice counts once
        deliver(TestReports.dsn(first, "reader2@example.com", "delayed", "4.2.2", "smtp; 452 4.2.2 mailbox full"));
        deliver(TestReports.dsn(first, "reader2@example.com", "failed", "5.2.2", full));
        deliver(TestReports.dsn(first, "reader2@example.com", "failed", "5.2.2", full));
        deliver(TestReports.dsn(messageId("reader3@example.com"), "reader3@example.com", "failed", "4.2.2", "smtp; 452 4.2.2 over quota"));
        // a forwarder's full mailbox is not the reader's
        deliver(TestReports.dsn(messageId("reader1@example.com"), "reader1@example.com", "old-job@corp.example", "failed", "5.2.2",
                "smtp; 552 5.2.2 mailbox full"));
        app.inbound.pass();
        assertThat(softBounceCampaigns("reader2@example.com")).isEqualTo(1);
        assertThat(softBounceCampaigns("reader3@example.com")).isEqualTo(1);
        assertThat(softBounceCampaigns("reader1@example.com")).isNull();
        // reader3's count is old: the next one starts over
        app.db.jdbc().update("UPDATE soft_bounces SET updated_at = ? WHERE email_key = ?",
                java.time.Instant.now().minus(Duration.ofDays(61)), "reader3@example.com");

        // each next issue is accepted by the relay (which resets counts that SMTP replies made, not this one) and
        // reported full days later
        for (int i = 2; i <= 3; i++) {
            app.campaigns.create("inbound " + i, TestSupport.demoIssue(), List.of("Weekly"), null);
            int expected = 4 * i;
            TestSupport.await(expected + " messages", Duration.ofSeconds(30), () -> mail.getReceivedMessages().length >= expected);
            TestSupport.await("campaign " + i + " written", Duration.ofSeconds(30),
                    () -> app.db.jdbc().count("SELECT COUNT(*) FROM deliveries WHERE state = 'sent'") >= expected);
            MimeMessage latest = newest("reader2@example.com", i);
            assertThat(softBounceCampaigns("reader2@example.com")).as("after issue %d was accepted", i).isEqualTo(i - 1);
            deliver(TestReports.dsn(latest.getMessageID(), "reader2@example.com", "failed", "5.2.2", full));
            if (i == 2) {
                MimeMessage three = newest("reader3@example.com", i);
                deliver(TestReports.dsn(three.getMessageID(), "reader3@example.com", "failed", "4.2.2", "smtp; 452 4.2.2 over quota"));
            }
            app.inbound.pass();
        }
        assertThat(suppression("reader2@example.com")).isEqualTo("soft-bounces");
        assertThat(softBounceCampaigns("reader2@example.com")).as("counted no more once suppressed").isNull();
        assertThat(softBounceCampaigns("reader3@example.com")).as("started over after 60 days").isEqualTo(1);
        assertThat(suppression("reader3@example.com")).isNull();
        assertThat(suppression("reader1@example.com")).isNull();
    }

    /** The message {@code reader} got from the {@code n}th campaign (its Message-ID starts with the campaign's id). */
    private MimeMessage newest(String reader, int n) throws Exception {
        long id = app.db.jdbc().one("SELECT id FROM campaigns ORDER BY id LIMIT 1 OFFSET ?", rs -> rs.getLong(1), n - 1).orElseThrow();
        for (MimeMessage m : mail.getReceivedMessages()) {
            if (TestSupport.recipient(m).equals(reader) && m.getMessageID().startsWith("<" + id + ".")) {
                return m;
            }
        }
        throw new AssertionError("no message of campaign " + id + " to " + reader);
    }

    private Integer softBounceCampaigns(String email) {
        return app.db.jdbc().one("SELECT campaigns FROM soft_bounces WHERE email_key = ?", rs -> rs.getInt(1), email).orElse(null);
    }

    @Test
    void reportsThatDoNotQuiteQuoteOurMessageAreLeftAndLongDiagnosticsAreCut() throws Exception {
        String id = messageId("reader0@example.com");
        deliver(TestReports.dsn(id.toUpperCase(java.util.Locale.ROOT), "reader0@example.com", "failed", "5.1.1", "smtp; 550 5.1.1 case differs"));
        deliver(TestReports.parse("""
                From: MAILER-DAEMON@relay.example.net
                To: bounces@news.example.com
                Subject: Undelivered Mail Returned to Sender
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="B"

                --B
                Content-Type: message/delivery-status

                Reporting-MTA: dns; relay.example.net

                --B
                Content-Type: text/rfc822-headers

                Message-ID: %s

                --B--
                """.formatted(id)));
        deliver(TestReports.dsn(messageId("reader1@example.com"), "reader1@example.com", "failed", "5.1.1", "smtp; 550 5.1.1 " + "x".repeat(3000)));
        deliver(mailto("=?UTF-8?Q?" + listUnsubscribeSubject("reader2@example.com").replace("-", "=2D").replace("_", "=5F") + "?="));

        MailboxReader.Pass pass = app.inbound.pass();

        assertThat(pass.count("NOT_OURS")).isEqualTo(2); // the id in other case, the report without a recipient block
        assertThat(pass.count("BOUNCE")).isEqualTo(1);
        assertThat(pass.count("UNSUBSCRIBE")).isEqualTo(1); // an RFC 2047-encoded subject is read decoded
        assertThat(suppression("reader0@example.com")).isNull();
        assertThat(suppression("reader1@example.com")).isEqualTo("hard-bounce");
        assertThat(app.events.bounces(campaign, 10)).singleElement().satisfies(b -> assertThat(b.detail()).hasSizeLessThanOrEqualTo(1000));
        assertThat(statuses("reader2@example.com")).containsOnly(Subscription.UNSUBSCRIBED);
        assertThat(remaining()).hasSize(2);
    }

    @Test
    void anotherNodesLeaseMeansThisPassReadsNothing() throws Exception {
        deliver(TestReports.dsn(messageId("reader0@example.com"), "reader0@example.com", "failed", "5.1.1", "smtp; 550 5.1.1 user unknown"));
        app.inbound.pass(); // creates the mailbox row
        deliver(TestReports.dsn(messageId("reader1@example.com"), "reader1@example.com", "failed", "5.1.1", "smtp; 550 5.1.1 user unknown"));
        app.db.jdbc().update("UPDATE inbound_mailboxes SET locked_by = 'other-node', locked_until = ?",
                java.time.Instant.now().plus(Duration.ofMinutes(5)));

        MailboxReader.Pass pass = app.inbound.pass();

        assertThat(pass.leased()).isFalse();
        assertThat(pass.read()).isZero();
        assertThat(suppression("reader1@example.com")).isNull();
        app.db.jdbc().update("UPDATE inbound_mailboxes SET locked_until = ?", java.time.Instant.now().minusSeconds(1));
        assertThat(app.inbound.pass().count("BOUNCE")).isEqualTo(1);
        assertThat(suppression("reader1@example.com")).isEqualTo("hard-bounce");
    }

    private String messageId(String reader) throws Exception {
        return sent.get(reader).getMessageID();
    }

    /** The subject a mail client takes from the List-Unsubscribe mailto (RFC 6068: ?subject=...). */
    private String listUnsubscribeSubject(String reader) throws Exception {
        Matcher m = Pattern.compile("mailto:[^?>]+\\?subject=([^>]+)>").matcher(sent.get(reader).getHeader("List-Unsubscribe", ","));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private void deliver(MimeMessage message) throws Exception {
        mail.getUserManager().getUser("bounces").deliver(message);
    }

    private static MimeMessage mailto(String subject) throws Exception {
        return TestReports.parse("From: reader2@example.com\r\nTo: unsubscribe@news.example.com\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + System.nanoTime() + "@client.example>\r\n\r\nThis message was sent by the mail client's unsubscribe button.\r\n");
    }

    private String suppression(String email) {
        return app.db.jdbc().one("SELECT reason FROM suppressions WHERE email_key = ?", rs -> rs.getString(1), email.toLowerCase()).orElse(null);
    }

    private List<String> consentSources(String email) {
        long id = app.subscribers.findByEmail(email).orElseThrow().id();
        return app.consent.of(id).stream().map(c -> String.valueOf(c.get("source"))).toList();
    }

    private List<String> statuses(String email) {
        Subscriber s = app.subscribers.findByEmail(email).orElseThrow();
        return app.subscribers.subscriptionsOf(s.id()).stream().map(Subscription::status).toList();
    }

    /** The mailbox as its owner sees it over IMAP: subject and read state of each mail. */
    private List<String> remaining() throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", mail.getImap().getPort(), "bounces", "secret");
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                return Arrays.stream(inbox.getMessages()).map(InboundMailTest::describe).toList();
            } finally {
                inbox.close(false);
            }
        } finally {
            store.close();
        }
    }

    private static String describe(Message m) {
        try {
            return m.getSubject() + (m.isSet(Flags.Flag.SEEN) ? " seen" : " unseen");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
