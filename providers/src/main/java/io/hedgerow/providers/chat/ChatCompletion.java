package io.hedgerow.providers.chat;

import java.util.List;
import java.util.Optional;

/** A whole {@code chat.completion}. */
public record ChatCompletion(String id, long created, String model, List<CompletionChoice> choices, Optional<Usage> usage) {}
