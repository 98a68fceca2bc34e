package io.hedgerow.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChunkChoice;
import io.hedgerow.providers.chat.Delta;
import io.hedgerow.providers.chat.FinishReason;
import io.hedgerow.providers.chat.ToolCallDelta;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.gemini.GeminiStreamFrame.Candidate;
import io.hedgerow.providers.gemini.GeminiStreamFrame.Part;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.SseEvent;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.providers.upstream.UpstreamJsonReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.pekko.util.ByteString;

/**
 * Turns the frames of {@code streamGenerateContent?alt=sse} into OpenAI chunks, one frame at a time. Each
 * Gemini frame is a whole response holding only new parts; function calls arrive whole, so each becomes
 * one tool-call delta with a synthesized id. Gemini sends no {@code [DONE]}: feed {@link #END_OF_STREAM}
 * after the last frame to get the usage chunk, or the failure of a stream that never finished.
 * Create one per stream; not thread-safe.
 */
public final class GeminiStreamDecoder {
  /** Marks the end of the upstream events; compared by identity, so no upstream event can pose as it. */
  public static final SseEvent END_OF_STREAM = new SseEvent("hedgerow-end-of-stream", ByteString.emptyByteString());

  private final String fallbackModel;
  private final boolean reasoning;
  private final long created;
  private final Supplier<String> callIds;
  private final TreeMap<Integer, Choice> choices = new TreeMap<>();
  private final UpstreamJsonReader json = new UpstreamJsonReader("a stream frame");
  private String id;
  private String model;
  private Usage usage;

  /** What one choice (one of Gemini's candidates) has sent so far. */
  private static final class Choice {
    boolean started;
    boolean finished;
    int nextToolIndex;
  }

  public GeminiStreamDecoder(String fallbackModel, boolean reasoning) {
    this(fallbackModel, reasoning, System.currentTimeMillis() / 1000, GeminiResponseMapper::newCallId);
  }

  GeminiStreamDecoder(String fallbackModel, boolean reasoning, long created, Supplier<String> callIds) {
    this.fallbackModel = fallbackModel;
    this.reasoning = reasoning;
    this.created = created;
    this.callIds = callIds;
  }

  public List<ChatChunk> accept(SseEvent event) {
    if (event == END_OF_STREAM) return end();
    if (event.data().isEmpty()) return List.of();
    GeminiStreamFrame frame;
    try (UpstreamJsonReader r = json.read(event.data())) {
      frame = GeminiStreamFrame.read(r, id == null, fallbackModel);
    }
    if (frame.error().isPresent()) throw GeminiErrors.classify(0, frame.error().get(), Optional.empty()).exception();
    if (id == null) {
      id = GeminiResponseMapper.completionId(frame.responseId());
      model = frame.model();
    }
    frame.usage().ifPresent(u -> usage = u);
    if (frame.candidates().isEmpty()) {
      if (!frame.promptBlocked()) return List.of(); // a usage-only frame
      Choice c = choices.computeIfAbsent(0, i -> new Choice());
      c.started = true;
      c.finished = true;
      return List.of(chunk(new ChunkChoice(0, Delta.EMPTY.withRole("assistant"), Optional.of(FinishReason.CONTENT_FILTER))));
    }
    List<ChatChunk> out = new ArrayList<>(2);
    for (Candidate candidate : frame.candidates()) candidate(candidate, out);
    return out;
  }

  private void candidate(Candidate candidate, List<ChatChunk> out) {
    int index = candidate.index();
    Choice c = choices.computeIfAbsent(index, i -> new Choice());
    StringBuilder text = new StringBuilder();
    StringBuilder thoughts = new StringBuilder();
    List<ToolCallDelta> calls = new ArrayList<>(0);
    for (Part part : candidate.parts()) {
      if (part.functionCall().isPresent()) {
        JsonNode call = part.functionCall().get();
        calls.add(ToolCallDelta.start(c.nextToolIndex++, callIds.get(), call.path("name").asText(""),
            GeminiResponseMapper.arguments(call)));
      } else if (part.text().isPresent()) {
        if (!part.thought()) text.append(part.text().get());
        else if (reasoning) thoughts.append(part.text().get());
      }
    }
    if (text.length() > 0 || thoughts.length() > 0 || !calls.isEmpty()) {
      Delta d = new Delta(Optional.empty(), text.length() > 0 ? Optional.of(text.toString()) : Optional.empty(),
          thoughts.length() > 0 ? Optional.of(thoughts.toString()) : Optional.empty(), List.copyOf(calls));
      out.add(chunk(new ChunkChoice(index, opening(c, d), Optional.empty())));
    }
    String reason = candidate.finishReason();
    if (!reason.isEmpty() && !c.finished) {
      FinishReason f = GeminiResponseMapper.finishReason(reason, c.nextToolIndex > 0, candidate.finishMessage());
      c.finished = true;
      out.add(chunk(new ChunkChoice(index, opening(c, Delta.EMPTY), Optional.of(f))));
    }
  }

  /** OpenAI clients expect the role on a choice's first delta. */
  private static Delta opening(Choice c, Delta d) {
    if (c.started) return d;
    c.started = true;
    return d.withRole("assistant");
  }

  private ChatChunk chunk(ChunkChoice choice) {
    return ChatChunk.of(id, created, model, choice);
  }

  /**
   * Usage comes with running totals in every frame, so the last one is the answer's. A stream that ends
   * before every choice finished was cut, not completed.
   */
  private List<ChatChunk> end() {
    json.end();
    boolean complete = !choices.isEmpty() && choices.values().stream().allMatch(c -> c.finished);
    if (!complete) {
      throw UpstreamError.of(ErrorClass.SERVER_ERROR, 200,
          "The upstream stream ended early, before a finish reason.").exception();
    }
    return usage == null ? List.of() : List.of(ChatChunk.usage(id, created, model, usage));
  }
}
