package dev.letterpress.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ReportTest {
    private static final Session SESSION = Session.getInstance(new Properties());

    @Test
    void aPostfixBounceGivesItsRecipientBlockAndTheReturnedMessageId() throws Exception {
        Report r = Report.of(TestReports.dsn("<7.42.abc123@news.example.com>", "ann@example.com", "failed", "5.1.1",
                "smtp; 550 5.1.1 <ann@example.com>: Recipient address rejected")).orElseThrow();

        assertThat(r.kind()).isEqualTo(Report.Kind.DELIVERY_STATUS);
        assertThat(r.messageId()).isEqualTo("<7.42.abc123@news.example.com>");
        assertThat(r.reporter()).isEqualTo("dns; relay.example.net");
        assertThat(r.recipients()).singleElement().satisfies(rcpt -> {
            assertThat(rcpt.finalRecipient()).isEqualTo("ann@example.com");
            assertThat(rcpt.originalRecipient()).isEqualTo("ann@example.com");
            assertThat(rcpt.failed()).isTrue();
            assertThat(rcpt.status()).isEqualTo("5.1.1");
            assertThat(rcpt.code()).isEqualTo(550);
        });
    }

    @Test
    void aReturnedWholeMessageAFoldedDiagnosticAndSeveralRecipientsAreRead() throws Exception {
        Report r = Report.of(parse("""
                From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
                To: bounces@news.example.com
                Subject: Delivery Status Notification (Failure)
                MIME-Version: 1.0
                Content-Type: multipart/report; boundary="x"; report-type="delivery-status"

                --x
                Content-Type: text/plain

                Address not found.
                --x
                Content-Type: message/delivery-status

                Reporting-MTA: dns; googlemail.com

                Final-Recipient: rfc822; first@example.com
                Action: delayed
                Status: 4.2.2

                Final-Recipient: rfc822; <second@example.com>
                Action: Failed
                Status: 5.2.1
                Diagnostic-Code: smtp; 550-5.2.1 The email account that you tried to reach
                 is disabled.

                --x
                Content-Type: message/rfc822

                Message-ID: <9.10.zz@news.example.com>
                Subject: This week

                body
                --x--
                """)).orElseThrow();

        assertThat(r.messageId()).isEqualTo("<9.10.zz@news.example.com>");
        assertThat(r.recipients()).hasSize(2);
        assertThat(r.recipients().get(0).failed()).isFalse();
        Report.Recipient second = r.recipients().get(1);
        assertThat(second.failed()).isTrue(); // "Failed": action names are case-insensitive
        assertThat(second.finalRecipient()).isEqualTo("second@example.com");
        assertThat(second.diagnostic()).isEqualTo("smtp; 550-5.2.1 The email account that you tried to reach is disabled.");
        assertThat(second.code()).isEqualTo(550);
    }

    @Test
    void theReplyCodeIsTheOneOfTheStatussClassNotADigitRunInAnAddress() {
        var postfix = new Report.Recipient("a@example.com", null, "failed", "5.1.1",
                "smtp; 250 queued earlier, then said: 550 5.1.1 <a@example.com>: unknown user");
        assertThat(postfix.code()).isEqualTo(550);
        assertThat(new Report.Recipient("a@example.com", null, "failed", "5.2.2", null).code()).isEqualTo(500);
    }

    @Test
    void aFieldOfManyThousandBlanksIsReadInLinearTime() throws Exception {
        String blanks = " ".repeat(200_000);
        MimeMessage crafted = parse("""
                From: x@example.com
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="b"

                --b
                Content-Type: message/delivery-status

                Reporting-MTA: dns;%sx

                Final-Recipient: rfc822; a@example.com
                Action: failed
                Status: 5.1.1
                --b--
                """.formatted(blanks));
        // a hang guard, not a benchmark: the regex this replaced took ~10 s for 80,000 blanks
        Report r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> Report.of(crafted).orElseThrow());
        assertThat(r.reporter()).isEqualTo("dns;" + blanks + "x");
        assertThat(r.recipients()).hasSize(1);
    }

    @Test
    void aComplaintGivesItsFeedbackTypeAndTheAttachedMessagesId() throws Exception {
        Report r = Report.of(TestReports.arf("<1.2.q@news.example.com>")).orElseThrow();

        assertThat(r.kind()).isEqualTo(Report.Kind.COMPLAINT);
        assertThat(r.feedbackType()).isEqualTo("abuse");
        assertThat(r.reporter()).isEqualTo("ExampleFBL/1.0");
        assertThat(r.messageId()).isEqualTo("<1.2.q@news.example.com>");
    }

    @Test
    void ordinaryMailAndReadReceiptsAreNotReports() throws Exception {
        assertThat(Report.of(parse("From: a@example.com\nSubject: hello\n\nhi\n"))).isEmpty();
        assertThat(Report.of(parse("""
                From: a@example.com
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=disposition-notification; boundary="m"

                --m
                Content-Type: message/disposition-notification

                Disposition: manual-action/MDN-sent-manually; displayed
                --m--
                """))).isEmpty();
    }

    private static MimeMessage parse(String raw) throws Exception {
        return new MimeMessage(SESSION, new ByteArrayInputStream(raw.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
}
