package dev.letterpress.cli;

import dev.letterpress.App;
import dev.letterpress.segment.SavedSegment;
import dev.letterpress.segment.Segment;
import dev.letterpress.segment.SegmentSyntaxException;
import dev.letterpress.subscriber.Subscriber;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "segments", description = "Named subscriber segments: attribute filters such as plan = \"pro\" and country in (\"DE\", \"AT\").",
        subcommands = {SegmentsCommand.Create.class, SegmentsCommand.ListAll.class, SegmentsCommand.Count.class})
final class SegmentsCommand {
    @ParentCommand
    Main main;

    /** A syntax error as the expression with a caret under the column, then the message; exit code 1. */
    static int report(SegmentSyntaxException e, String expression) {
        System.err.println("error: " + e.getMessage());
        System.err.println("  " + expression.replace('\t', ' ').replace('\n', ' '));
        System.err.println("  " + " ".repeat(Math.max(0, e.column() - 1)) + "^");
        return 1;
    }

    @Command(name = "create", description = "Check an expression and store it under a name.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        SegmentsCommand parent;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "EXPR", description = "e.g. plan = \"pro\" and country in (\"DE\",\"AT\") — quote it for the shell.")
        String expression;

        @Override
        public Integer call() {
            try {
                Segment.parse(expression);
            } catch (SegmentSyntaxException e) {
                return report(e, expression);
            }
            try (App app = parent.main.app()) {
                SavedSegment s = app.segments.create(name, expression);
                System.out.println("Segment \"" + s.name() + "\" created; it matches " + app.segments.count(s.segment()) + " subscribers now.");
                return 0;
            }
        }
    }

    @Command(name = "list", description = "Every segment with its expression and how many subscribers it matches.")
    static final class ListAll implements Runnable {
        @ParentCommand
        SegmentsCommand parent;

        @Override
        public void run() {
            try (App app = parent.main.app()) {
                for (SavedSegment s : app.segments.list()) {
                    System.out.printf("%-24s %8d  %s%n", s.name(), app.segments.count(s.segment()), s.expression());
                }
            }
        }
    }

    static final class Which {
        @Parameters(paramLabel = "NAME", description = "A stored segment.")
        String name;

        @Option(names = "--expr", paramLabel = "EXPR", description = "An expression, not stored.")
        String expression;
    }

    @Command(name = "count", description = "How many subscribers a segment (or an expression) matches; --preview N lists the first N.")
    static final class Count implements Callable<Integer> {
        @ParentCommand
        SegmentsCommand parent;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        @Option(names = "--preview", paramLabel = "N", description = "Also print the first N matching subscribers.")
        Integer preview;

        @Override
        public Integer call() {
            Segment segment = null;
            if (which.expression != null) {
                try {
                    segment = Segment.parse(which.expression);
                } catch (SegmentSyntaxException e) {
                    return report(e, which.expression);
                }
            }
            try (App app = parent.main.app()) {
                if (segment == null) {
                    segment = app.segments.require(which.name).segment();
                }
                System.out.println(app.segments.count(segment) + " subscribers match " + segment.expression());
                if (preview != null) {
                    for (Subscriber s : app.segments.preview(segment, preview)) {
                        System.out.println("  " + s.email() + (s.name() == null ? "" : " (" + s.name() + ")") + " " + s.attributes());
                    }
                }
                return 0;
            }
        }
    }
}
