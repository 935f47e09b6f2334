package dev.letterpress.cli;

import dev.letterpress.App;
import dev.letterpress.inbound.MailboxReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "inbound", description = "The inbound mailbox: bounces (RFC 3464), complaints (ARF) and mailto unsubscribes.",
        subcommands = {InboundCommand.Poll.class})
final class InboundCommand {
    @ParentCommand
    Main main;

    @Command(name = "poll", description = "Read the new mail in the inbound mailbox once and act on it (serve does this every inbound.poll).")
    static final class Poll implements Runnable {
        @ParentCommand
        InboundCommand parent;

        @Override
        public void run() {
            try (App app = parent.main.app()) {
                MailboxReader.Pass pass = app.inbound.pass();
                if (!pass.leased()) {
                    System.out.println("Another node is reading the mailbox right now; nothing read.");
                    return;
                }
                System.out.printf("%,d new mails: %,d bounces, %,d complaints, %,d unsubscribes, %,d other reports (delayed, not-spam), "
                                + "%,d left for a person%n", pass.read(), pass.count("BOUNCE"), pass.count("COMPLAINT"), pass.count("UNSUBSCRIBE"),
                        pass.count("DELAYED"), pass.count("NOT_OURS"));
            }
        }
    }
}
