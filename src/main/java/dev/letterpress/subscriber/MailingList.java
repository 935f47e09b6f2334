package dev.letterpress.subscriber;

public record MailingList(long id, String name, String description) {}
