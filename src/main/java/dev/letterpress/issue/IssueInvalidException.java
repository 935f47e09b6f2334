package dev.letterpress.issue;

import java.util.List;
import java.util.stream.Collectors;

/** An issue that must not be saved or scheduled; lists every problem found, each with its path. */
public final class IssueInvalidException extends RuntimeException {
    private final List<Problem> problems;

    public IssueInvalidException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
