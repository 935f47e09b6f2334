package dev.letterpress.subscriber;

/** Something named by the user does not exist; the message says how to create or find it. */
public final class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
