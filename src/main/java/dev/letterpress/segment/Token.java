package dev.letterpress.segment;

/** One token of a segment expression; {@code column} is 1-based, {@code text} is the literal's value or the word. */
record Token(Kind kind, String text, int column) {
    enum Kind { WORD, STRING, NUMBER, OPERATOR, LPAREN, RPAREN, COMMA, END }

    boolean isWord(String word) {
        return kind == Kind.WORD && text.equalsIgnoreCase(word);
    }

    boolean is(Kind k, String t) {
        return kind == k && text.equals(t);
    }

    /** How the token reads in an error message. */
    String describe() {
        return switch (kind) {
            case END -> "the end of the expression";
            case STRING -> "the text \"" + (text.length() > 20 ? text.substring(0, 20) + "..." : text) + "\"";
            case NUMBER -> "the number " + text;
            default -> "'" + text + "'";
        };
    }
}
