package io.hedgerow.router.stream;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChunkChoice;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Holds back the chunks that precede the first decisive one (role-only openers, empty filter-result
 * chunks) and lets the first decisive chunk out carrying {@code role: assistant}. So the first element
 * of an attempt is its first token, which is what the race between attempts is decided on, and every
 * client stream opens with the role whatever the provider sent. A stream that never turns decisive
 * lets its held chunks out when it ends.
 */
public final class FirstTokenGate extends GraphStage<FlowShape<ChatChunk, ChatChunk>> {
  private final Inlet<ChatChunk> in = Inlet.create("FirstTokenGate.in");
  private final Outlet<ChatChunk> out = Outlet.create("FirstTokenGate.out");
  private final FlowShape<ChatChunk, ChatChunk> shape = FlowShape.of(in, out);

  @Override
  public FlowShape<ChatChunk, ChatChunk> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private boolean open;
      private final List<ChatChunk> held = new ArrayList<>(2);

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            ChatChunk chunk = grab(in);
            if (open) {
              push(out, chunk);
            } else if (chunk.isDecisive()) {
              open = true;
              held.clear();
              push(out, withRole(chunk));
            } else {
              held.add(chunk);
              pull(in);
            }
          }

          @Override
          public void onUpstreamFinish() {
            if (!open && !held.isEmpty()) emitMultiple(out, new ArrayList<>(held).iterator(), () -> completeStage());
            else completeStage();
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(in);
          }
        });
      }
    };
  }

  private static ChatChunk withRole(ChatChunk chunk) {
    if (chunk.choices().isEmpty() || chunk.choices().get(0).delta().role().isPresent()) return chunk;
    List<ChunkChoice> choices = new ArrayList<>(chunk.choices());
    ChunkChoice first = choices.get(0);
    choices.set(0, new ChunkChoice(first.index(), first.delta().withRole("assistant"), first.finishReason()));
    return new ChatChunk(chunk.id(), chunk.created(), chunk.model(), List.copyOf(choices), chunk.usage());
  }
}
