package dev.letterpress;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.subscriber.CsvImporter;
import dev.letterpress.subscriber.MailingList;
import dev.letterpress.subscriber.Subscription;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole flow over real SMTP (GreenMail), real HTTP and a real database. */
class SendFlowTest {
    private static final String CSV = """
            email,name,city,plan
            ada@example.com,Ada Lovelace,London,pro
            grace@example.com,Grace Hopper,Arlington,free
            not-an-email,Broken Row,Nowhere,free
            linus@example.com,,Helsinki,pro
            ADA@example.com,Ada Again,London,pro
            short@example.com,Too Few
            margaret@example.com,Margaret Hamilton,Boston,pro
            """;

    @TempDir
    Path dir;
    GreenMail smtp;
    App app;
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() {
        smtp = TestSupport.greenMail();
        app = App.create(TestSupport.config(dir, smtp.getSmtp().getPort(), Map.of())).start();
    }

    @AfterEach
    void stop() {
        app.close();
        smtp.stop();
    }

    @Test
    void importScheduleSendTrackAndUnsubscribe() throws Exception {
        MailingList list = app.subscribers.createList("Build Notes weekly", null);
        List<CsvImporter.RowProblem> problems = new ArrayList<>();
        CsvImporter.Report report = app.importer.importCsv(new StringReader(CSV), "test.csv", list, Subscription.CONFIRMED, problems::add);
        assertThat(report.rows()).isEqualTo(7);
        assertThat(report.added()).isEqualTo(4);
        assertThat(report.invalid()).isEqualTo(2);
        assertThat(report.duplicates()).isEqualTo(1);
        assertThat(problems).extracting(CsvImporter.RowProblem::line).containsExactlyInAnyOrder(4L, 6L, 7L);
        assertThat(problems).anySatisfy(p -> assertThat(p.reason()).contains("not-an-email"));
        assertThat(problems).anySatisfy(p -> assertThat(p.reason()).contains("2 fields, but the header has 4"));
        assertThat(problems).anySatisfy(p -> assertThat(p.reason()).contains("already appears on line 2"));
        // an unconfirmed subscriber and a suppressed one must not be mailed
        app.subscribers.addToList(list.id(), "pending@example.com", "Pending", Map.of(), Subscription.UNCONFIRMED, "test");
        app.subscribers.addToList(list.id(), "bounced@example.com", "Bounced", Map.of(), Subscription.CONFIRMED, "test");
        app.subscribers.suppress("Bounced@Example.com", "hard-bounce", "test");

        long campaign = app.campaigns.create("Issue 1", TestSupport.demoIssue(), List.of(list.name()), Instant.now().plusSeconds(2));
        awaitFinished(campaign);

        MimeMessage[] received = smtp.getReceivedMessages();
        Set<String> recipients = new HashSet<>();
        Set<String> messageIds = new HashSet<>();
        for (MimeMessage m : received) {
            recipients.add(m.getAllRecipients()[0].toString().replaceAll(".*<|>.*", ""));
            messageIds.add(m.getMessageID());
            assertThat(m.getContentType()).startsWith("multipart/alternative");
            assertThat(m.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
            assertThat(m.getHeader("List-Unsubscribe", null))
                    .matches("<http://127\\.0\\.0\\.1:\\d+/u/([A-Za-z0-9_-]{36})>, <mailto:unsubscribe@127\\.0\\.0\\.1\\?subject=unsubscribe-\\1>");
            assertThat(m.getHeader("Feedback-ID", null)).isEqualTo(campaign + ":" + list.id() + ":newsletter:letterpress");
            assertThat(m.getHeader("List-Id", null)).contains("build-notes-weekly." + list.id() + ".127.0.0.1");
            Multipart parts = (Multipart) m.getContent();
            assertThat(parts.getCount()).isEqualTo(2);
            assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
            assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        }
        assertThat(received).hasSize(4);
        assertThat(recipients).containsExactlyInAnyOrder("ada@example.com", "grace@example.com", "linus@example.com", "margaret@example.com");
        assertThat(messageIds).hasSize(4);
        awaitFinished(campaign);
        // the engine stores a campaign's final counts as it finishes it (nothing here has asked for them yet), and
        // they are read back from then on, not counted again
        var jdbc = app.db.jdbc();
        assertThat(jdbc.count("SELECT deliveries FROM campaign_outcomes WHERE campaign_id = ? AND state = 'sent'", campaign)).isEqualTo(4);
        assertThat(jdbc.count("SELECT COUNT(*) FROM campaign_outcomes WHERE campaign_id = ?", campaign)).isEqualTo(7);
        assertThat(app.campaignStore.stateCounts(campaign)).containsEntry("sent", 4L).containsEntry("queued", 0L);
        jdbc.update("UPDATE campaign_outcomes SET deliveries = 40 WHERE campaign_id = ? AND state = 'sent'", campaign);
        assertThat(app.campaignStore.stateCounts(campaign)).containsEntry("sent", 40L);
        // finished before counts were stored (an upgraded database): the first reader counts and stores them
        jdbc.update("DELETE FROM campaign_outcomes WHERE campaign_id = ?", campaign);
        assertThat(app.campaignStore.stateCounts(campaign)).containsEntry("sent", 4L).containsEntry("queued", 0L);
        assertThat(jdbc.count("SELECT COUNT(*) FROM campaign_outcomes WHERE campaign_id = ?", campaign)).isEqualTo(7);

        MimeMessage ada = messageTo(received, "ada@example.com");
        String html = part(ada, 1);
        String text = part(ada, 0);
        assertThat(ada.getSubject()).isEqualTo("The written proposal is back (and your standup is nervous)");
        assertThat(html).contains("Ada").contains("The quiet comeback of the written proposal")
                .contains("Where engineering hours actually went").contains("Build Notes Live")
                .contains("Letterpress Demo Ltd, 1 Example Street");
        assertThat(text).contains("Ada").contains("The quiet comeback of the written proposal").contains("(https://example.com/build-notes/proposal-templates)").doesNotContain("<p>");
        assertThat(part(messageTo(received, "linus@example.com"), 1)).contains("Hi there");
        // every external link is tracked: no raw example.com/org href is left in the HTML
        assertThat(html).doesNotContainPattern("href=\"https?://example\\.(com|org)");

        // click: 302 to the registered URL, recorded
        String click = first(html, "href=\"(http://127\\.0\\.0\\.1:\\d+/c/[A-Za-z0-9_-]+)\"");
        HttpResponse<String> redirect = get(click);
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location").orElseThrow()).startsWith("https://example.");
        assertThat(get(click + "?url=https://evil.example").statusCode()).isEqualTo(400);
        // open pixel
        String pixel = first(html, "src=\"(http://127\\.0\\.0\\.1:\\d+/o/[A-Za-z0-9_-]+\\.gif)\"");
        HttpResponse<String> gif = get(pixel);
        assertThat(gif.statusCode()).isEqualTo(200);
        assertThat(gif.headers().firstValue("Content-Type").orElseThrow()).isEqualTo("image/gif");
        assertThat(gif.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");
        app.eventBuffer.flush(); // opens and clicks are written in batches
        assertThat(app.events.counts(campaign)).containsKeys("open", "click");
        assertThat(app.events.counts(campaign).get("click").total()).isEqualTo(1);

        // a tampered token is refused and writes nothing
        String tampered = click.substring(0, click.length() - 3) + (click.endsWith("A") ? "BBB" : "AAA");
        assertThat(get(tampered).statusCode()).isEqualTo(404);
        assertThat(get(pixel.replace("/o/", "/o/x")).statusCode()).isEqualTo(404);
        app.eventBuffer.flush();
        assertThat(app.events.counts(campaign).get("click").total()).isEqualTo(1);
        assertThat(app.events.counts(campaign).get("open").total()).isEqualTo(1);

        // unsubscribe: GET changes nothing; the one-click POST unsubscribes at once, idempotently
        String unsubscribe = ada.getHeader("List-Unsubscribe", null).replaceAll("^<([^>]+)>.*$", "$1");
        HttpResponse<String> page = get(unsubscribe);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\"");
        long adaId = app.subscribers.findByEmail("ada@example.com").orElseThrow().id();
        assertThat(status(adaId, list.id())).isEqualTo(Subscription.CONFIRMED);
        assertThat(post(unsubscribe, "List-Unsubscribe=One-Click").statusCode()).isEqualTo(200);
        assertThat(status(adaId, list.id())).isEqualTo(Subscription.UNSUBSCRIBED);
        assertThat(post(unsubscribe, "List-Unsubscribe=One-Click").statusCode()).isEqualTo(200);
        assertThat(app.events.counts(campaign).get("unsubscribe").total()).isEqualTo(1);
        String forged = unsubscribe.substring(0, unsubscribe.length() - 1) + (unsubscribe.endsWith("x") ? "y" : "x");
        assertThat(post(forged, "List-Unsubscribe=One-Click").statusCode()).isEqualTo(404);

        // the next campaign leaves Ada out
        long second = app.campaigns.create("Issue 2", TestSupport.demoIssue(), List.of(list.name()), null);
        awaitFinished(second);
        assertThat(smtp.getReceivedMessages()).hasSize(7);
        assertThat(Arrays.stream(smtp.getReceivedMessages()).skip(4).map(this::to)).doesNotContain("ada@example.com");
    }

    private void awaitFinished(long campaign) {
        TestSupport.await("campaign " + campaign + " to finish", Duration.ofSeconds(30),
                () -> "finished".equals(app.campaignStore.require(campaign).status()));
    }

    private String status(long subscriber, long list) {
        return app.subscribers.subscriptionsOf(subscriber).stream().filter(s -> s.listId() == list).findFirst().orElseThrow().status();
    }

    private String to(MimeMessage m) {
        try {
            return m.getAllRecipients()[0].toString().replaceAll(".*<|>.*", "");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private MimeMessage messageTo(MimeMessage[] all, String email) {
        return Arrays.stream(all).filter(m -> to(m).equals(email)).findFirst().orElseThrow();
    }

    private static String part(MimeMessage m, int i) throws Exception {
        return (String) ((Multipart) m.getContent()).getBodyPart(i).getContent();
    }

    private static String first(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        assertThat(m.find()).as("pattern " + regex).isTrue();
        return m.group(1);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
