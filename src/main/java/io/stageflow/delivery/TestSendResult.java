package io.stageflow.delivery;

/** The answer to a test send: the Message-ID to find it by in the inbox or the mail server's log. */
record TestSendResult(String messageId, String subject, String locale) {
}
