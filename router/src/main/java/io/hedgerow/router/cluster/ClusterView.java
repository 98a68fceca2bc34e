package io.hedgerow.router.cluster;

import java.util.List;
import java.util.Map;

/**
 * What {@code GET /admin/cluster} shows: the members as this node sees them, each with its state and its
 * current share of every provider's limits (the limits it enforces).
 */
public record ClusterView(boolean enabled, String self, List<MemberView> members) {

  /** One member: {@code share} is 0 for a member that is not Up (joining, leaving, down). */
  public record MemberView(String address, String status, boolean reachable, List<String> roles, double share,
      Map<String, ShareOfLimits> providers) {}

  /** A provider's limits as one node enforces them; {@code "off"} where the provider has no limit of ours. */
  public record ShareOfLimits(Object requestsPerMinute, Object tokensPerMinute, int maxConcurrent) {}
}
