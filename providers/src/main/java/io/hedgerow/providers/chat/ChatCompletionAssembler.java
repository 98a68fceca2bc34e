package io.hedgerow.providers.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Folds a stream of chunks back into one {@link ChatCompletion}: text and reasoning concatenated, tool
 * calls assembled by index, the last finish reason and usage kept. Used to answer non-streaming clients.
 */
public final class ChatCompletionAssembler {
  private String id = "";
  private long created;
  private String model = "";
  private Usage usage;
  private final TreeMap<Integer, ChoiceState> choices = new TreeMap<>();

  private static final class ChoiceState {
    final StringBuilder content = new StringBuilder();
    final StringBuilder reasoning = new StringBuilder();
    boolean sawContent;
    final TreeMap<Integer, String[]> calls = new TreeMap<>(); // index -> {id, name, arguments}
    FinishReason finish = FinishReason.STOP;
  }

  public ChatCompletionAssembler add(ChatChunk chunk) {
    if (id.isEmpty()) {
      id = chunk.id();
      created = chunk.created();
      model = chunk.model();
    }
    chunk.usage().ifPresent(u -> usage = u);
    for (ChunkChoice c : chunk.choices()) {
      ChoiceState s = choices.computeIfAbsent(c.index(), i -> new ChoiceState());
      Delta d = c.delta();
      d.content().ifPresent(t -> {
        s.content.append(t);
        s.sawContent = true;
      });
      d.reasoningContent().ifPresent(s.reasoning::append);
      for (ToolCallDelta t : d.toolCalls()) {
        String[] call = s.calls.computeIfAbsent(t.index(), i -> new String[] {"", "", ""});
        t.id().ifPresent(v -> call[0] = v);
        t.name().ifPresent(v -> call[1] = v);
        call[2] = call[2] + t.arguments();
      }
      c.finishReason().ifPresent(f -> s.finish = f);
    }
    return this;
  }

  public ChatCompletion result() {
    List<CompletionChoice> out = new ArrayList<>(choices.size());
    choices.forEach((index, s) -> {
      List<ToolCall> calls = new ArrayList<>(s.calls.size());
      s.calls.values().forEach(c -> calls.add(new ToolCall(c[0], c[1], c[2])));
      Optional<String> content = s.sawContent && (s.content.length() > 0 || calls.isEmpty())
          ? Optional.of(s.content.toString())
          : (calls.isEmpty() ? Optional.of("") : Optional.empty());
      Optional<String> reasoning = s.reasoning.length() > 0 ? Optional.of(s.reasoning.toString()) : Optional.empty();
      out.add(new CompletionChoice(index, new AssistantMessage(content, reasoning, List.copyOf(calls)), s.finish));
    });
    return new ChatCompletion(id, created, model, List.copyOf(out), Optional.ofNullable(usage));
  }
}
