package io.hedgerow.providers.openai;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The chat and embeddings URLs of one OpenAI-compatible deployment. On Azure the upstream model names the
 * deployment in the path and the API version travels in the query; elsewhere the model is in the body.
 */
record OpenAiEndpoints(String baseUrl, OpenAiPreset.Layout layout, String apiVersion) {
  /** Azure OpenAI's latest GA data-plane inference version (learn.microsoft.com, "REST API reference"). */
  static final String AZURE_DEFAULT_API_VERSION = "2024-10-21";

  OpenAiEndpoints {
    baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  String chat(String upstreamModel) {
    return url(upstreamModel, "chat/completions");
  }

  String embeddings(String upstreamModel) {
    return url(upstreamModel, "embeddings");
  }

  private String url(String upstreamModel, String path) {
    return switch (layout) {
      case OPENAI -> baseUrl + "/" + path;
      case AZURE_DEPLOYMENT -> baseUrl + "/openai/deployments/" + encode(upstreamModel) + "/" + path
          + "?api-version=" + encode(apiVersion);
    };
  }

  /** Percent-encodes for a path segment or query value; URLEncoder's '+' for space is only right in forms. */
  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
