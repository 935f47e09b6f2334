package dev.letterpress.inbound;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/** Reports as relays and feedback loops write them, for the inbound tests. */
public final class TestReports {
    private static final Session PARSER = Session.getInstance(new Properties());

    private TestReports() {}

    /** A DSN as Postfix writes one: the human part, the machine part, and the returned headers. */
    public static MimeMessage dsn(String messageId, String recipient, String action, String status, String diagnostic) throws Exception {
        return dsn(messageId, recipient, recipient, action, status, diagnostic);
    }

    /** A DSN about a message to {@code original} that failed at {@code finalRecipient} (a forwarding target when they differ). */
    static MimeMessage dsn(String messageId, String original, String finalRecipient, String action, String status, String diagnostic)
            throws Exception {
        return parse("""
                From: MAILER-DAEMON@relay.example.net (Mail Delivery System)
                To: bounces@news.example.com
                Subject: Undelivered Mail Returned to Sender
                Message-ID: <%d.dsn@relay.example.net>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status;
                \tboundary="B0UND"

                --B0UND
                Content-Description: Notification
                Content-Type: text/plain; charset=us-ascii

                I'm sorry to have to inform you that your message could not be delivered.

                --B0UND
                Content-Description: Delivery report
                Content-Type: message/delivery-status

                Reporting-MTA: dns; relay.example.net
                X-Postfix-Queue-ID: 4Xyz
                Arrival-Date: Sat, 28 Nov 2026 10:00:00 +0000

                Final-Recipient: rfc822; %s
                Original-Recipient: rfc822;%s
                Action: %s
                Status: %s
                Remote-MTA: dns; mx.example.com
                Diagnostic-Code: %s

                --B0UND
                Content-Description: Undelivered Message Headers
                Content-Type: text/rfc822-headers

                From: Build Notes <news@news.example.com>
                To: %s
                Subject: This week
                Message-ID: %s

                --B0UND--
                """.formatted(System.nanoTime(), finalRecipient, original, action, status, diagnostic, original, messageId));
    }

    /** A feedback-loop report (RFC 5965) with the original message attached, its recipient redacted as providers do. */
    static MimeMessage arf(String messageId) throws Exception {
        return parse("""
                From: feedbackloop@fbl.example.org
                To: bounces@news.example.com
                Subject: FW: This week
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=feedback-report; boundary="ARF1"

                --ARF1
                Content-Type: text/plain

                This is an email abuse report for an email message received from IP 192.0.2.1.

                --ARF1
                Content-Type: message/feedback-report

                Feedback-Type: abuse
                User-Agent: ExampleFBL/1.0
                Version: 1

                --ARF1
                Content-Type: message/rfc822

                From: Build Notes <news@news.example.com>
                To: [redacted]
                Subject: This week
                Message-ID: %s

                The body, as the reader got it.

                --ARF1--
                """.formatted(messageId));
    }

    static MimeMessage parse(String raw) throws Exception {
        return new MimeMessage(PARSER, new ByteArrayInputStream(raw.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
    }
}
