package io.hedgerow.router.routing;

/** One place a request may be served: a provider, the model name it knows, and the alias the client knows it by. */
public record Candidate(String provider, String upstreamModel, String alias) {}
