package dev.letterpress.segment;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an expression into tokens. Strings are in double or single quotes with backslash escapes; words are
 * names and keywords ([A-Za-z_][A-Za-z0-9_.-]*); numbers are -?digits with an optional fraction.
 */
final class Lexer {
    private Lexer() {}

    static List<Token> tokens(String src) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            int col = i + 1;
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')' || c == ',') {
                out.add(new Token(c == '(' ? Token.Kind.LPAREN : c == ')' ? Token.Kind.RPAREN : Token.Kind.COMMA, String.valueOf(c), col));
                i++;
            } else if (c == '"' || c == '\'') {
                StringBuilder s = new StringBuilder();
                int j = i + 1;
                while (true) {
                    if (j >= n) {
                        throw new SegmentSyntaxException("unterminated text starting with " + c, col);
                    }
                    char d = src.charAt(j);
                    if (d == c) {
                        break;
                    }
                    if (d == '\\') {
                        if (j + 1 >= n) {
                            throw new SegmentSyntaxException("unterminated text starting with " + c, col);
                        }
                        d = src.charAt(++j);
                    }
                    s.append(d);
                    j++;
                }
                out.add(new Token(Token.Kind.STRING, s.toString(), col));
                i = j + 1;
            } else if (c == '=' ) {
                out.add(new Token(Token.Kind.OPERATOR, "=", col));
                i++;
            } else if (c == '!' || c == '<' || c == '>') {
                boolean eq = i + 1 < n && src.charAt(i + 1) == '=';
                if (c == '!' && !eq) {
                    throw new SegmentSyntaxException("'!' must be followed by '=' (use 'not' to negate)", col);
                }
                if (c == '<' && i + 1 < n && src.charAt(i + 1) == '>') {
                    out.add(new Token(Token.Kind.OPERATOR, "!=", col));
                    i += 2;
                    continue;
                }
                out.add(new Token(Token.Kind.OPERATOR, eq ? c + "=" : String.valueOf(c), col));
                i += eq ? 2 : 1;
            } else if (isDigit(c) || c == '-' && i + 1 < n && isDigit(src.charAt(i + 1))) {
                int j = i + 1;
                while (j < n && isDigit(src.charAt(j))) {
                    j++;
                }
                if (j + 1 < n && src.charAt(j) == '.' && isDigit(src.charAt(j + 1))) {
                    j++;
                    while (j < n && isDigit(src.charAt(j))) {
                        j++;
                    }
                }
                if (j < n && isWordPart(src.charAt(j))) {
                    throw new SegmentSyntaxException("unexpected '" + src.charAt(j) + "' after the number " + src.substring(i, j)
                            + " (put text values in quotes)", j + 1);
                }
                out.add(new Token(Token.Kind.NUMBER, src.substring(i, j), col));
                i = j;
            } else if (Character.isLetter(c) && c < 128 || c == '_') {
                int j = i + 1;
                while (j < n && isWordPart(src.charAt(j))) {
                    j++;
                }
                out.add(new Token(Token.Kind.WORD, src.substring(i, j), col));
                i = j;
            } else {
                throw new SegmentSyntaxException("unexpected character '" + c + "'", col);
            }
        }
        out.add(new Token(Token.Kind.END, "", n + 1));
        return out;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isWordPart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '_' || c == '.' || c == '-';
    }
}
