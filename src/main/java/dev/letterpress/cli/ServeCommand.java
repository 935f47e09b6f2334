package dev.letterpress.cli;

import dev.letterpress.App;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "serve", description = "Run the scheduler, the sender and the public HTTP server until stopped.")
final class ServeCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() throws InterruptedException {
        App app = main.app().start();
        System.out.println("Letterpress is serving on port " + app.httpPort() + " (public URL " + app.config.http().publicBaseUrl()
                + "); sending through " + app.config.smtp().host() + ":" + app.config.smtp().port() + ". Ctrl-C stops it.");
        GracefulStop.awaitThenRun(app::close);
        return 0;
    }
}
