package io.hedgerow.router.actor;

import java.util.Map;

/** What a provider actor knows at one instant, for the admin API and for tests. */
public record ProviderSnapshot(
    String provider, int inFlight, int maxConcurrent, long granted, long rejected,
    long succeeded, long cancelled, Map<String, Long> failuresByClass) {}
