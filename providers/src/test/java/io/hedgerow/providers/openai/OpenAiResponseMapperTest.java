package io.hedgerow.providers.openai;

import static io.hedgerow.providers.openai.OpenAiFixtures.bytes;
import static io.hedgerow.providers.openai.OpenAiFixtures.json;
import static io.hedgerow.providers.openai.OpenAiFixtures.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.hedgerow.providers.chat.AssistantMessage;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.CompletionChoice;
import io.hedgerow.providers.chat.FinishReason;
import io.hedgerow.providers.chat.ToolCall;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.providers.upstream.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Non-streamed upstream answers, compared with the {@code chat.completion} the client receives. */
class OpenAiResponseMapperTest {
  private static final UpstreamError NOT_JSON =
      UpstreamError.of(ErrorClass.SERVER_ERROR, 200, "The upstream answered with a body that is not JSON.");
  private static final UpstreamError NO_CHOICES =
      UpstreamError.of(ErrorClass.SERVER_ERROR, 200, "The upstream answered without choices.");
  private static final AssistantMessage EMPTY = new AssistantMessage(Optional.empty(), Optional.empty(), List.of());

  private static ChatCompletion read(String json) {
    return OpenAiResponseMapper.fromUpstream(json.getBytes(StandardCharsets.UTF_8));
  }

  private static UpstreamError failure(byte[] body) {
    return assertThrows(UpstreamException.class, () -> OpenAiResponseMapper.fromUpstream(body)).error();
  }

  private static UpstreamError failure(String body) {
    return failure(body.getBytes(StandardCharsets.UTF_8));
  }

  /** The one choice of an answer whose {@code choices} is {@code [choice]}. */
  private static CompletionChoice onlyChoice(String choice) {
    List<CompletionChoice> choices = read("{\"choices\":[" + choice + "]}").choices();
    assertEquals(1, choices.size());
    return choices.get(0);
  }

  private static AssistantMessage message(String message) {
    return onlyChoice("{\"message\":" + message + "}").message();
  }

  private static Optional<Usage> usage(String usage) {
    return read("{\"choices\":[],\"usage\":" + usage + "}").usage();
  }

  private static AssistantMessage text(String content) {
    return new AssistantMessage(Optional.of(content), Optional.empty(), List.of());
  }

  @ParameterizedTest
  @ValueSource(strings = {"completion-text", "completion-tool-calls", "completion-deepseek-reasoning",
      "completion-mistral-thinking"})
  void completionIsWrittenBackAsOpenAiExactJson(String fixture) {
    assertEquals(json(fixture + ".expected.json"), written(OpenAiResponseMapper.fromUpstream(bytes(fixture + ".json"))));
  }

  @Test
  void bodyThatIsNotJsonIsAServerError() {
    assertEquals(NOT_JSON, failure(bytes("error-502.html")));
  }

  @Test
  void bodyWithoutChoicesIsAServerError() {
    assertEquals(NO_CHOICES, failure("{\"id\":\"x\",\"object\":\"chat.completion\"}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"choices\":[{\"index\":0,\"message\":{\"content\":\"Hi\"}", "{\"choices\":[], \"x\": }",
      "{\"choices\":[],\"x\":[1,{\"y\":tru}]}", "{\"choices\":[],\"x\":\"bad \\q escape\"}", "{choices:[]}", "[1,",
      "\"unterminated", "tru"})
  void bodyBrokenAnywhereIsNotJsonEvenPastTheChoices(String body) {
    assertEquals(NOT_JSON, failure(body));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  \n", "null", "[]", "[{\"choices\":[]}]", "\"choices\"", "42", "{\"choices\":null}",
      "{\"choices\":{\"0\":{}}}", "{\"choices\":\"[]\"}", "{\"choices\":[],\"choices\":{}}"})
  void jsonWithoutAChoicesArrayHasNoChoices(String body) {
    assertEquals(NO_CHOICES, failure(body));
  }

  @Test
  void theLastChoicesSentCountsAsItDidInATree() {
    assertEquals(List.of(new CompletionChoice(3, EMPTY, FinishReason.STOP)),
        read("{\"choices\":{},\"choices\":[{\"index\":3}]}").choices());
  }

  @Test
  void whatFollowsTheAnswerObjectIsIgnored() {
    assertEquals("a", read("{\"id\":\"a\",\"choices\":[]} and then some {\"error\":").id());
  }

  @Test
  void utf16BodyIsReadAsTheTreeReaderDetectedIt() {
    ChatCompletion c = OpenAiResponseMapper.fromUpstream(
        "{\"id\":\"\u00e9t\u00e9\",\"choices\":[{\"message\":{\"content\":\"\u2603\"}}]}".getBytes(StandardCharsets.UTF_16));
    assertEquals("\u00e9t\u00e9", c.id());
    assertEquals(text("\u2603"), c.choices().get(0).message());
  }

  @Test
  void absentFieldsTakeTheirDefaults() {
    assertEquals(new ChatCompletion("", 0, "", List.of(new CompletionChoice(0, EMPTY, FinishReason.STOP)), Optional.empty()),
        read("{\"choices\":[{}]}"));
  }

  @Test
  void nullFieldsReadAsAbsentOnes() {
    assertEquals(new ChatCompletion("", 0, "", List.of(new CompletionChoice(0, EMPTY, FinishReason.STOP)), Optional.empty()),
        read("{\"id\":null,\"created\":null,\"model\":null,\"usage\":null,\"choices\":[{\"index\":null,"
            + "\"message\":{\"content\":null,\"reasoning_content\":null,\"reasoning\":null,\"tool_calls\":null},"
            + "\"finish_reason\":null}]}"));
    assertEquals(EMPTY, onlyChoice("{\"message\":null}").message());
  }

  @Test
  void aChoiceOrMessageThatIsNoObjectIsOneOfDefaults() {
    assertEquals(List.of(new CompletionChoice(0, EMPTY, FinishReason.STOP), new CompletionChoice(0, EMPTY, FinishReason.STOP)),
        read("{\"choices\":[\"x\",[{\"index\":2}]]}").choices());
    assertEquals(EMPTY, message("[{\"content\":\"x\"}]"));
    assertEquals(EMPTY, message("\"x\""));
  }

  @Test
  void valuesConvertAsATreesAsTextAndAsIntDid() {
    ChatCompletion c = read("{\"id\":12,\"created\":\"1739092483\",\"model\":true,\"choices\":[{\"index\":\"2\","
        + "\"finish_reason\":\"length\"},{\"index\":1.9,\"finish_reason\":7},{\"index\":{},\"finish_reason\":[]}]}");
    assertEquals("12", c.id());
    assertEquals(1739092483L, c.created());
    assertEquals("true", c.model());
    assertEquals(List.of(new CompletionChoice(2, EMPTY, FinishReason.LENGTH), new CompletionChoice(1, EMPTY, FinishReason.STOP),
        new CompletionChoice(0, EMPTY, FinishReason.STOP)), c.choices());
  }

  @Test
  void contentThatIsNotAStringOrPartsCarriesNoText() {
    assertEquals(EMPTY, message("{\"content\":42}"));
    assertEquals(EMPTY, message("{\"content\":{\"text\":\"x\"}}"));
  }

  @Test
  void unknownFieldsAndNestedValuesAreSkippedAtEveryLevel() {
    String noise = "\"x\":{\"content\":\"no\",\"choices\":[1,[2,{\"id\":\"no\"}]],\"deep\":{\"a\":[{\"b\":null}]}},"
        + "\"y\":[{\"index\":9},\"finish_reason\"],";
    ChatCompletion c = read("{" + noise + "\"id\":\"a\",\"choices\":[{" + noise + "\"index\":1,\"message\":{" + noise
        + "\"content\":\"Hi\",\"tool_calls\":[{" + noise + "\"id\":\"call_1\",\"function\":{" + noise
        + "\"name\":\"f\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}],\"usage\":{" + noise
        + "\"prompt_tokens_details\":{" + noise + "\"cached_tokens\":2},\"completion_tokens_details\":{" + noise
        + "\"reasoning_tokens\":3},\"prompt_tokens\":5,\"completion_tokens\":7}," + noise + "\"model\":\"m\"}");
    assertEquals(new ChatCompletion("a", 0, "m", List.of(new CompletionChoice(1,
        new AssistantMessage(Optional.of("Hi"), Optional.empty(), List.of(new ToolCall("call_1", "f", "{}"))),
        FinishReason.TOOL_CALLS)), Optional.of(new Usage(5, 7, 2, 3))), c);
  }

  @Test
  void choicesKeepTheirOrderIndexesAndFinishReasons() {
    assertEquals(List.of(new CompletionChoice(0, text("a"), FinishReason.STOP), new CompletionChoice(1, text("b"), FinishReason.LENGTH),
        new CompletionChoice(2, text("c"), FinishReason.CONTENT_FILTER)),
        read("{\"choices\":[{\"index\":0,\"message\":{\"content\":\"a\"},\"finish_reason\":\"stop\"},"
            + "{\"index\":1,\"message\":{\"content\":\"b\"},\"finish_reason\":\"length\"},"
            + "{\"finish_reason\":\"content_filter\",\"message\":{\"content\":\"c\"},\"index\":2}]}").choices());
  }

  @Test
  void aFinishReasonNoOneKnowsEndsTheChoiceAsStop() {
    assertEquals(FinishReason.STOP, onlyChoice("{\"finish_reason\":\"eos\"}").finishReason());
  }

  @Test
  void toolCallArgumentsAreKeptAsTheStringSent() {
    String arguments = "{\"city\": \"Edinburgh\",\n \"days\": [1, 2], \"note\": \"\\u00e9\\\"\"}";
    String sent = '"' + new String(JsonStringEncoder.getInstance().quoteAsString(arguments)) + '"';
    AssistantMessage m = message("{\"content\":null,\"tool_calls\":[{\"id\":\"call_a\",\"type\":\"function\",\"function\":"
        + "{\"name\":\"get_weather\",\"arguments\":" + sent + "}},{\"type\":\"function\",\"id\":\"call_b\",\"function\":"
        + "{\"arguments\":\"\",\"name\":\"noop\"}}]}");
    assertEquals(new AssistantMessage(Optional.empty(), Optional.empty(),
        List.of(new ToolCall("call_a", "get_weather", arguments), new ToolCall("call_b", "noop", ""))), m);
  }

  @Test
  void toolCallFieldsThatAreNotStringsConvertAsATreesAsTextDid() {
    assertEquals(List.of(new ToolCall("7", "", ""), new ToolCall("", "true", "12.5"), new ToolCall("", "", ""),
        new ToolCall("", "", "")),
        message("{\"tool_calls\":[{\"id\":7,\"function\":{\"name\":null,\"arguments\":{\"city\":\"Edinburgh\"}}},"
            + "{\"function\":{\"name\":true,\"arguments\":12.5}},{\"id\":[],\"function\":\"f\"},\"call\"]}").toolCalls());
  }

  @Test
  void theLastFunctionSentOfACallCounts() {
    assertEquals(List.of(new ToolCall("c", "", "{\"b\":2}")),
        message("{\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"},"
            + "\"function\":{\"arguments\":\"{\\\"b\\\":2}\"}}]}").toolCalls());
  }

  @Test
  void toolCallsSentAsAnythingButAnArrayAreNoCalls() {
    assertEquals(List.of(), message("{\"tool_calls\":{\"x\":{\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"1\"}}}}").toolCalls());
    assertEquals(List.of(), message("{\"tool_calls\":\"call_a\"}").toolCalls());
  }

  @ParameterizedTest
  @ValueSource(strings = {"reasoning_content", "reasoning"})
  void reasoningIsReadUnderEitherName(String field) {
    assertEquals(new AssistantMessage(Optional.of("4"), Optional.of("2+2"), List.of()),
        message("{\"" + field + "\":\"2+2\",\"content\":\"4\"}"));
  }

  @Test
  void reasoningContentWinsOverReasoningWhereverItIsSent() {
    assertEquals(Optional.of("rc"), message("{\"reasoning\":\"r\",\"reasoning_content\":\"rc\"}").reasoningContent());
    assertEquals(Optional.of("rc"), message("{\"reasoning_content\":\"rc\",\"reasoning\":\"r\"}").reasoningContent());
    assertEquals(Optional.of("r"), message("{\"reasoning_content\":5,\"reasoning\":\"r\"}").reasoningContent());
    assertEquals(Optional.empty(), message("{\"reasoning_content\":null,\"reasoning\":{\"text\":\"r\"}}").reasoningContent());
  }

  @Test
  void partsThinkingStandsInOnlyForReasoningNotSentBesideIt() {
    String parts = "[{\"type\":\"thinking\",\"thinking\":\"think\"},{\"type\":\"image_url\",\"text\":\"no\"},"
        + "{\"type\":\"text\",\"text\":\"an\"},{\"type\":\"text\",\"text\":\"swer\"}]";
    assertEquals(new AssistantMessage(Optional.of("answer"), Optional.of("think"), List.of()), message("{\"content\":" + parts + "}"));
    assertEquals(new AssistantMessage(Optional.of("answer"), Optional.of("sent"), List.of()),
        message("{\"content\":" + parts + ",\"reasoning_content\":\"sent\"}"));
    assertEquals(new AssistantMessage(Optional.empty(), Optional.of("think"), List.of()),
        message("{\"content\":[{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\",\"text\":\"think\"}]}]}"));
  }

  @Test
  void theLastContentSentCountsWhetherStringOrParts() {
    assertEquals(text("b"), message("{\"content\":[{\"type\":\"text\",\"text\":\"a\"}],\"content\":\"b\"}"));
    assertEquals(text("b"), message("{\"content\":\"a\",\"content\":[{\"type\":\"text\",\"text\":\"b\"}]}"));
    assertEquals(EMPTY, message("{\"content\":\"a\",\"content\":null}"));
  }

  @Test
  void usageCarriesCachedAndReasoningTokens() {
    assertEquals(Optional.of(new Usage(149, 60, 128, 17)), usage("{\"prompt_tokens\":149,\"completion_tokens\":60,"
        + "\"total_tokens\":209,\"prompt_tokens_details\":{\"cached_tokens\":128,\"audio_tokens\":0},"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":17,\"audio_tokens\":0}}"));
  }

  @Test
  void deepSeekCacheHitCountStandsInOnlyForCachedTokensThatAreNoNumber() {
    assertEquals(Optional.of(new Usage(100, 5, 64, 0)),
        usage("{\"prompt_tokens\":100,\"completion_tokens\":5,\"prompt_cache_hit_tokens\":64,\"prompt_cache_miss_tokens\":36}"));
    assertEquals(Optional.of(new Usage(100, 5, 64, 0)), usage("{\"prompt_tokens\":100,\"completion_tokens\":5,"
        + "\"prompt_tokens_details\":{\"cached_tokens\":null},\"prompt_cache_hit_tokens\":64}"));
    assertEquals(Optional.of(new Usage(100, 5, 0, 0)), usage("{\"prompt_tokens\":100,\"completion_tokens\":5,"
        + "\"prompt_cache_hit_tokens\":64,\"prompt_tokens_details\":{\"cached_tokens\":0}}"));
  }

  @Test
  void usageThatIsNoObjectIsAbsentAndAnEmptyOneIsZeros() {
    assertEquals(Optional.empty(), usage("[]"));
    assertEquals(Optional.empty(), usage("42"));
    assertEquals(Optional.of(new Usage(0, 0, 0, 0)), usage("{}"));
    assertEquals(Optional.of(new Usage(3, 0, 0, 0)), usage("{\"prompt_tokens\":\"3\",\"completion_tokens\":\"x\","
        + "\"prompt_tokens_details\":[],\"completion_tokens_details\":7}"));
  }
}
