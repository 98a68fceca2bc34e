package io.hedgerow.providers.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Decides what a simulated instance answers to one request: which text, or which tool calls. */
final class ScriptWriter {

    private static final String[] WORDS = {
        "hedge", "row", "lorem", "ipsum", "dolor", "sit", "amet", "quick", "brown", "fox", "jumps",
        "over", "lazy", "dog", "token", "stream", "river", "stone", "cloud", "maple", "amber", "quiet",
        "signal", "harbor", "meadow", "copper", "lantern", "orbit", "willow", "ember"
    };
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final String instanceName;

    ScriptWriter(String instanceName) {
        this.instanceName = instanceName;
    }

    /** Tool calls when the request offers tools and allows them, else text of {@code tokens} tokens. */
    Script write(SimRequest request, int tokens, int toolCalls, Random random) {
        String id = randomId(random, 24);
        if (request.wantsToolCalls()) {
            return toolCalls(id, request, toolCalls, random);
        }
        return text(id, request, tokens, random);
    }

    private Script text(String id, SimRequest request, int tokens, Random random) {
        int limit = request.maxTokens().orElse(Integer.MAX_VALUE);
        int emitted = Math.min(tokens, Math.max(0, limit));
        List<String> out = new ArrayList<>(emitted);
        for (int i = 0; i < emitted; i++) {
            // The instance name leads, so a test can tell which upstream's answer reached the client.
            out.add(i == 0 ? instanceName : " " + WORDS[random.nextInt(WORDS.length)]);
        }
        Script.Finish finish = emitted < tokens ? Script.Finish.LENGTH : Script.Finish.STOP;
        return new Script.Text(id, Instant.now(), out, finish, new Usage(request.promptTokens(), emitted));
    }

    private Script toolCalls(String id, SimRequest request, int count, Random random) {
        List<ToolSpec> chosen = chooseTools(request, count);
        List<ToolCall> calls = new ArrayList<>();
        int completion = 0;
        for (int i = 0; i < chosen.size(); i++) {
            ToolSpec tool = chosen.get(i);
            int ordinal = (int) chosen.subList(0, i).stream().filter(t -> t.name().equals(tool.name())).count();
            ObjectNode args = ToolArguments.fromSchema(tool.parameters(), ordinal);
            String json = SimJson.write(args);
            calls.add(new ToolCall(randomId(random, 24), tool.name(), args, json, ToolArguments.fragments(json, random)));
            completion += Math.max(1, json.length() / 4);
        }
        return new Script.ToolCalls(id, Instant.now(), calls, new Usage(request.promptTokens(), completion));
    }

    /** The forced tool, or the first tools in order, repeating the last one when fewer are offered. */
    private static List<ToolSpec> chooseTools(SimRequest request, int count) {
        List<ToolSpec> offered = request.tools();
        if (request.toolChoice() instanceof ToolChoice.Named named) {
            ToolSpec forced = offered.stream()
                    .filter(t -> t.name().equals(named.name()))
                    .findFirst()
                    .orElse(new ToolSpec(named.name(), SimJson.object()));
            return Collections.nCopies(count, forced);
        }
        List<ToolSpec> chosen = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            chosen.add(offered.get(Math.min(i, offered.size() - 1)));
        }
        return chosen;
    }

    static String randomId(Random random, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return sb.toString();
    }
}
