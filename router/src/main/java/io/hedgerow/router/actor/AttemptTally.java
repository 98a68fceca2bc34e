package io.hedgerow.router.actor;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/** What a provider actor has granted, refused and heard back since it started: the lifetime counts of its snapshot. */
final class AttemptTally {
  long granted;
  long rejected;
  long succeeded;
  long cancelled;
  long hedgesLost;
  private final Map<ProviderActor.RejectReason, Long> rejectedByReason = new EnumMap<>(ProviderActor.RejectReason.class);
  private final Map<String, Long> failuresByClass = new TreeMap<>();

  void rejected(ProviderActor.RejectReason reason) {
    rejected++;
    rejectedByReason.merge(reason, 1L, Long::sum);
  }

  void ended(Outcome outcome) {
    if (outcome instanceof Outcome.Succeeded) {
      succeeded++;
    } else if (outcome instanceof Outcome.Failed f) {
      failuresByClass.merge(f.errorClass().label(), 1L, Long::sum);
    } else if (outcome instanceof Outcome.Cancelled c) {
      cancelled++;
      if (c.hedgeLoser()) hedgesLost++;
    }
  }

  Map<String, Long> rejectedByReason() {
    Map<String, Long> out = new TreeMap<>();
    rejectedByReason.forEach((r, n) -> out.put(r.label(), n));
    return out;
  }

  Map<String, Long> failuresByClass() {
    return Map.copyOf(failuresByClass);
  }
}
