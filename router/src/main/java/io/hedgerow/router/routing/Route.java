package io.hedgerow.router.routing;

import java.util.List;

/** What a client's {@code model} names: an ordered list of candidates and how many of them one request may try. */
public record Route(String name, List<Candidate> candidates, int maxAttempts) {}
