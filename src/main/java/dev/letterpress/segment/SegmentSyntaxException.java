package dev.letterpress.segment;

/**
 * A segment expression that cannot be parsed. The message names what was expected and where, e.g.
 * "expected a value after '=' at column 7"; {@link #column()} is 1-based, for pointing a caret at it.
 */
public final class SegmentSyntaxException extends IllegalArgumentException {
    private final int column;

    SegmentSyntaxException(String what, int column) {
        super(what + " at column " + column);
        this.column = column;
    }

    public int column() {
        return column;
    }
}
