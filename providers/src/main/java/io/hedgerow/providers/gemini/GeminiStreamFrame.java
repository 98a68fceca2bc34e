package io.hedgerow.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.UpstreamJsonReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one frame of a Gemini stream says, read in one pass: each field the decoder uses, as it read it from
 * a tree before ({@code asText("")}, {@code asInt(0)}, {@code has}...). An {@code error}, and a part's
 * {@code functionCall}, are kept as trees for the code that reads them so.
 */
record GeminiStreamFrame(Optional<JsonNode> error, String responseId, String model, Optional<Usage> usage,
    List<Candidate> candidates, boolean promptBlocked) {

  /** One candidate: its parts, and its {@code finishReason} ("" when absent) with the message beside it. */
  record Candidate(int index, List<Part> parts, String finishReason, String finishMessage) {}

  /** One part: a function call, or text (thought summary or answer), or neither. */
  record Part(Optional<JsonNode> functionCall, Optional<String> text, boolean thought) {
    static final Part NONE = new Part(Optional.empty(), Optional.empty(), false);
  }

  /**
   * Reads the frame {@code r} is on. The id and model only matter in a stream's first frame, so they are
   * read only when {@code naming}; else they stay "" and {@code fallbackModel}.
   */
  static GeminiStreamFrame read(UpstreamJsonReader r, boolean naming, String fallbackModel) {
    Optional<JsonNode> error = Optional.empty();
    String responseId = "";
    String model = fallbackModel;
    Optional<Usage> usage = Optional.empty();
    List<Candidate> candidates = List.of();
    boolean promptBlocked = false;
    while (r.nextField()) {
      switch (r.field()) {
        case "error" -> error = Optional.of(r.tree());
        case "responseId" -> responseId = naming ? r.text("") : "";
        case "modelVersion" -> model = naming ? r.text(fallbackModel) : fallbackModel;
        case "usageMetadata" -> usage = usage(r);
        case "candidates" -> candidates = candidates(r);
        case "promptFeedback" -> promptBlocked = promptBlocked(r);
        default -> { }
      }
    }
    return new GeminiStreamFrame(error, responseId, model, usage, candidates, promptBlocked);
  }

  private static List<Candidate> candidates(UpstreamJsonReader r) {
    if (!r.enterArray()) return List.of();
    List<Candidate> out = new ArrayList<>(1);
    while (r.nextElement()) out.add(candidate(r));
    return out;
  }

  private static Candidate candidate(UpstreamJsonReader r) {
    int index = 0;
    List<Part> parts = List.of();
    String finishReason = "";
    String finishMessage = "";
    if (r.enterObject()) {
      while (r.nextField()) {
        switch (r.field()) {
          case "index" -> index = r.intValue(0);
          case "content" -> parts = parts(r);
          case "finishReason" -> finishReason = r.text("");
          case "finishMessage" -> finishMessage = r.text("");
          default -> { }
        }
      }
    }
    return new Candidate(index, parts, finishReason, finishMessage);
  }

  /** A candidate's {@code content}: its {@code parts}. */
  private static List<Part> parts(UpstreamJsonReader content) {
    List<Part> parts = List.of();
    if (content.enterObject()) {
      while (content.nextField()) {
        if (content.field().equals("parts")) parts = partList(content);
      }
    }
    return parts;
  }

  private static List<Part> partList(UpstreamJsonReader r) {
    if (!r.enterArray()) return List.of();
    List<Part> out = new ArrayList<>(1);
    while (r.nextElement()) out.add(part(r));
    return out;
  }

  private static Part part(UpstreamJsonReader r) {
    if (!r.enterObject()) return Part.NONE;
    Optional<JsonNode> functionCall = Optional.empty();
    Optional<String> text = Optional.empty();
    boolean thought = false;
    while (r.nextField()) {
      switch (r.field()) {
        case "functionCall" -> functionCall = Optional.of(r.tree()); // a whole call, once per tool call
        case "text" -> text = Optional.of(r.text("null")); // JsonNode.asText(): a JSON null reads "null"
        case "thought" -> thought = r.booleanValue(false);
        default -> { }
      }
    }
    return new Part(functionCall, text, thought);
  }

  /** As {@link GeminiResponseMapper#usage(JsonNode)} reads it from a tree. */
  private static Optional<Usage> usage(UpstreamJsonReader r) {
    if (!r.enterObject()) return Optional.empty();
    int prompt = 0;
    int candidates = 0;
    int cached = 0;
    int thoughts = 0;
    while (r.nextField()) {
      switch (r.field()) {
        case "promptTokenCount" -> prompt = r.intValue(0);
        case "candidatesTokenCount" -> candidates = r.intValue(0);
        case "cachedContentTokenCount" -> cached = r.intValue(0);
        case "thoughtsTokenCount" -> thoughts = r.intValue(0);
        default -> { }
      }
    }
    return Optional.of(GeminiResponseMapper.usage(prompt, candidates, cached, thoughts));
  }

  /** As {@link GeminiResponseMapper#isBlocked}: a {@code promptFeedback} with a {@code blockReason}. */
  private static boolean promptBlocked(UpstreamJsonReader feedback) {
    boolean blocked = false;
    if (feedback.enterObject()) {
      while (feedback.nextField()) {
        if (feedback.field().equals("blockReason")) blocked = !feedback.text("").isEmpty();
      }
    }
    return blocked;
  }
}
