package io.hedgerow.providers.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * One provider's wire format for chat: reads its request into a neutral {@link SimRequest} and renders a
 * neutral {@link Script} or {@link SimError} the way that provider would. Dialects decide nothing.
 */
sealed interface SimDialect permits OpenAiDialect, AnthropicDialect, GeminiDialect {

    /** The error a missing credential gets, if the provider would refuse this request. */
    Optional<SimError> authenticate(Map<String, String> lowerCaseHeaders);

    /**
     * @param path the request path, which Gemini uses for the model and the stream flag
     * @param query the raw query string, empty when absent
     * @throws MalformedRequestException when the provider would answer 400
     */
    SimRequest parse(String path, String query, JsonNode body);

    JsonNode renderPlain(SimRequest request, Script script);

    /** All frames of a complete stream, in order; paced frames carry one token or argument fragment each. */
    List<Frame> renderStream(SimRequest request, Script script);

    /** Frames sent just before a mid-stream abort cuts the connection; most providers send nothing. */
    default List<Frame> abortFrames() {
        return List.of();
    }

    HttpResponse renderError(SimError error);
}
